import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

describe('balance-watch history, and trends in status', () => {
  let sim: Simulator;
  let file: string;
  beforeEach(async () => {
    sim = await simulator().start();
    file = path.join(tempDir(), 'config.yaml');
    writeFileSync(file, simulatedConfig(sim));
    for (const balance of ['80000.00', '70000.00', '60000.00', '65000.00']) {
      sim.setApayBalance('bkash_a', balance);
      await runCli(['once', '-c', file]);
    }
  });
  afterEach(() => sim.stop());

  it('prints the observations with a sparkline and min / max / change', async () => {
    const result = await runCli(['history', 'bKash agent float', '-c', file]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('bKash agent float · bkash_a (apay), the last 1 d');
    expect(lines[1]).toBe('  █▅▁▃');
    expect(lines[2]).toBe('  min 60,000.00 BDT, max 80,000.00 BDT, change -15,000.00 BDT (4 observations)');
    expect(result.stdout).toMatch(/TIME\s+BALANCE\s+CHANGE/);
    expect(result.stdout).toMatch(/70,000.00 BDT\s+-10,000.00 BDT/);
    expect(result.stdout).toMatch(/65,000.00 BDT\s+\+5,000.00 BDT/);
  });

  it('prints JSON with exact decimal strings', async () => {
    const result = await runCli(['history', 'UPI', '--account', 'upi_fast', '--json', '-c', file]);
    const report = JSON.parse(result.stdout) as { accounts: { account: string; currency: string; min: string; observations: { balance: string }[] }[] };
    expect(report.accounts).toHaveLength(1);
    expect(report.accounts[0]).toMatchObject({ account: 'upi_fast', currency: 'INR', min: '500000.00', change: '0.00' });
    expect(report.accounts[0]!.observations.map((o) => o.balance)).toEqual(['500000.00', '500000.00', '500000.00', '500000.00']);
  });

  it.each(['0', 'abc', '-3', '2.5'])('refuses --limit %s', async (limit) => {
    const result = await runCli(['history', 'bKash agent float', '-c', file, '--limit', limit]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`--limit: "${limit}" is not a number of rows; give a whole number of 1 or more, e.g. --limit 100 (--json prints every row)\n`);
  });

  it('names the rules it knows when asked for another', async () => {
    const result = await runCli(['history', 'bKash', '-c', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no rule "bKash" in the state store \(rules: .*bKash agent float/);
    const since = await runCli(['history', 'UPI', '--since', 'yesterday', '-c', file]);
    expect(since.stderr).toMatch(/--since: "yesterday" is not a duration/);
  });

  it('status shows a trend per alert', async () => {
    const result = await runCli(['status', '-c', file]);
    expect(result.stdout).toMatch(/bKash agent float\s+bkash_a\s+ok\s+65,000.00 BDT\s+█▅▁▃\s+-/);
  });

  it('status says how much would clear a firing alert, in its table and its JSON', async () => {
    sim.setApayBalance('bkash_a', '45000.00');
    await runCli(['once', '-c', file]);
    const text = await runCli(['status', '-c', file]);
    expect(text.stdout).toMatch(/bKash agent float\s+bkash_a\s+warning\s+45,000.00 BDT\s+at least 10,000.00 BDT \(to 55,000.00\)/);
    const json = JSON.parse((await runCli(['status', '--json', '-c', file])).stdout) as { alerts: { account: string; top_up: unknown }[] };
    expect(json.alerts.find((a) => a.account === 'bkash_a')?.top_up).toEqual({ at_least: '10000.00', to: '55000.00', currency: 'BDT', cover: null });
    expect(json.alerts.find((a) => a.account === 'upi_fast')?.top_up).toBeNull();
  });
});

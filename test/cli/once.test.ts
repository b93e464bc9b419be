import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { SIM_APAY_KEY, SIM_BEPAID_SECRET, simulatedConfig, simulator } from '../helpers/simulated.js';

describe('balance-watch once', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await simulator().start();
  });
  afterEach(() => sim.stop());

  const once = async (args: string[] = [], config = simulatedConfig(sim)) => {
    const dir = tempDir({ 'config.yaml': config });
    return runCli(['once', '-c', path.join(dir, 'config.yaml'), '--dry-run', ...args]);
  };

  it('prints every balance with its rule and state, exit 0 when all is well', async () => {
    const result = await once();
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^RULE\s+SOURCE\s+ACCOUNT\s+BALANCE\s+WARN BELOW\s+CRITICAL BELOW\s+RECOVERS AT\s+STATE$/);
    expect(result.stdout).toMatch(/bKash agent float\s+apay\s+bkash_a\s+80,000.00 BDT\s+50,000.00\s+10,000.00\s+warn 55,000.00, crit 11,000.00\s+ok/);
    expect(result.stdout).toMatch(/UPI\s+apay\s+upi_fast\s+500,000.00 INR/);
    expect(result.stdout).toMatch(/UPI\s+apay\s+upi_p2p\s+400,000.00 INR/);
    expect(result.stdout).toMatch(/USD settlement\s+bepaid\s+usd-settlement\s+5,000.00 USD\s+1,000.00\s+250.00/);
  });

  it('checks a total after every source, from what each just answered', async () => {
    const config = simulatedConfig(sim).replace('rules:\n', `rules:
  - name: INR liquidity
    total_of:
      - { source: apay, payment_system: "upi_*" }
    warn_below: 1000000
`);
    const result = await once(['--json'], config);
    const total = (JSON.parse(result.stdout) as { alerts: Record<string, unknown>[] }).alerts.find((a) => a.rule === 'INR liquidity');
    expect(total).toMatchObject({ source: 'total:INR liquidity', account: 'total', balance: '900000.00', currency: 'INR', state: 'warning', members: ['apay/upi_fast', 'apay/upi_p2p'] });
    expect(result.code).toBe(1);
    expect((await once([], config)).stdout).toMatch(/INR liquidity\s+total of 2\s+total\s+900,000.00 INR\s+1,000,000.00/);
  });

  it('exits 1 on a warning and 2 on a critical', async () => {
    sim.setApayBalance('bkash_a', '45000');
    const warning = await once();
    expect(warning.stdout).toMatch(/bkash_a\s+45,000.00 BDT.*warning/);
    expect(warning.code).toBe(1);
    sim.setBepaidAmount('40701810842020395221', 10_000n);
    const critical = await once();
    expect(critical.stdout).toMatch(/usd-settlement\s+100.00 USD.*critical/);
    expect(critical.code).toBe(2);
  });

  it('with --json, an invalid config is a JSON document too (exit 3), for the check that reads it', async () => {
    const dir = tempDir({ 'config.yaml': simulatedConfig(sim).replace('    warn_below: 50000', '    warn_bellow: 50000') });
    const file = path.join(dir, 'config.yaml');
    const result = await runCli(['once', '-c', file, '--json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      status: 'unknown',
      error: `the config is invalid; run balance-watch check -c ${file}`,
      config_errors: [{ file, line: 34, col: 5, message: 'unknown key "warn_bellow" in rules[0]; did you mean warn_below?' }],
    });
  });

  it('without --dry-run, names what it notified and whom', async () => {
    sim.setApayBalance('bkash_a', '45000');
    const dir = tempDir({ 'config.yaml': simulatedConfig(sim) });
    const result = await runCli(['once', '-c', path.join(dir, 'config.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('\nnotified (1):\n  [WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00) → no channel');
    const json = JSON.parse((await runCli(['once', '-c', path.join(dir, 'config.yaml'), '--json'])).stdout) as { notifications: { sent: unknown[] } };
    // The warning was sent by the first run; a second one has nothing new to say.
    expect(json.notifications.sent).toEqual([]);
  });

  it('prints JSON with exact decimal strings', async () => {
    sim.setApayBalance('bkash_a', '9999.99');
    const result = await once(['--json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { status: string; alerts: Record<string, unknown>[]; sources: unknown[] };
    expect(report.status).toBe('critical');
    expect(report.sources).toEqual([
      { id: 'apay', type: 'apay', ok: true, error: null },
      { id: 'bepaid', type: 'bepaid', ok: true, error: null },
    ]);
    expect(report.alerts[0]).toEqual({
      rule: 'bKash agent float',
      source: 'apay',
      account: 'bkash_a',
      balance: '9999.99',
      currency: 'BDT',
      state: 'critical',
      no_data: false,
      warn_below: '50000.00',
      critical_below: '10000.00',
      recover_above: '55000.00',
      critical_recover_above: '11000.00',
      error: null,
    });
  });

  it.each([
    ['unauthorized', /A-Pay refused the request: unauthorized \(code 401\); check api_key and project_id/],
    ['html', /A-Pay sent an HTML page instead of JSON \(HTTP 502\)/],
    ['refused', /A-Pay refused the request: Project is blocked \(code 1003\)/],
  ] as const)('exits 3 when a source fails (%s), still showing the others', async (fault, message) => {
    sim.setFault('apay', fault);
    const result = await once();
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(message);
    expect(result.stdout).toMatch(/usd-settlement\s+5,000.00 USD/);
    expect(result.stdout + result.stderr).not.toContain(SIM_APAY_KEY);
  });

  it('reports a garbage balance for that payment system only', async () => {
    sim.setFault('apay', 'garbage');
    const result = await once();
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/bKash agent float \/ bkash_a: A-Pay sent a balance that is not a number \("12,5O0.00"\)/);
    expect(result.stdout).toMatch(/upi_fast\s+500,000.00 INR/);
  });

  it('survives a hung API beside a healthy one', async () => {
    sim.setFault('bepaid', 'hang');
    const started = Date.now();
    const result = await once([], simulatedConfig(sim, { timeout: '1s' }));
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/bkash_a\s+80,000.00 BDT/);
    expect(result.stdout).toMatch(/no answer within 1s/);
    expect(result.stdout + result.stderr).not.toContain(SIM_BEPAID_SECRET);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('exits 3 on an invalid config', async () => {
    const result = await once([], 'schedule: nope\n');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the config is invalid; run balance-watch check/);
  });
});

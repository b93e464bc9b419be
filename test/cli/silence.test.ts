import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { SlackSink } from '../../src/simulator/slack-sink.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

describe('balance-watch silence', () => {
  let sim: Simulator;
  let slack: SlackSink;
  let file: string;
  beforeEach(async () => {
    sim = await simulator().start();
    slack = await new SlackSink().start();
    file = path.join(tempDir(), 'config.yaml');
    writeFileSync(file, simulatedConfig(sim, { extra: `channels:\n  - { id: treasury, type: slack, webhook_url: "${slack.url}" }\ndefaults:\n  repeat: 0` }));
  });
  afterEach(async () => {
    await Promise.all([sim.stop(), slack.stop()]);
  });
  const cli = (...args: string[]) => runCli([...args, '-c', file]);
  const texts = () => slack.received.map((m) => m.payload.text ?? '');

  it('mutes warnings, lets a critical through, and ends with the resolve, which is still sent', async () => {
    await cli('once');
    const added = await cli('silence', 'add', 'bKash agent float', '--for', '2h', '--reason', 'top-up requested');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^silence #1 added: bKash agent float \(every account\), warnings muted, critical still notifies, until .*: top-up requested/);

    sim.setApayBalance('bkash_a', '45000');
    expect((await cli('once')).code).toBe(1);
    expect(texts()).toEqual([]);

    sim.setApayBalance('bkash_a', '9000');
    await cli('once');
    expect(texts()).toEqual(['[CRITICAL] bKash agent float: 9,000.00 BDT (below 10,000.00, was warning)']);

    const status = await cli('status');
    expect(status.stdout).toMatch(/Silences in force \(1\):/);
    // `status` may run under half a second after the silence began: the time left then rounds to 2 h.
    expect(status.stdout).toMatch(/#1\s+bKash agent float\s+warnings\s+.*active, (1 h 59 min|2 h) left\s+top-up requested/);

    sim.setApayBalance('bkash_a', '90000');
    await cli('once');
    expect(texts().at(-1)).toMatch(/^\[RESOLVED\] bKash agent float: 90,000.00 BDT/);
    expect(JSON.stringify(slack.received.at(-1)!.payload)).toContain('ended: the alert resolved');
    const list = await cli('silence', 'list');
    expect(list.stdout).toMatch(/#1\s+bKash agent float\s+warnings\s+.*ended \(the alert resolved\)\s+top-up requested/);
  });

  it('mutes a critical too with --level critical, per account with a glob', async () => {
    await cli('silence', 'add', 'UPI/upi_*', '--for', '30m', '--reason', 'maintenance', '--level', 'critical');
    sim.setApayBalance('upi_fast', '10');
    await cli('once');
    expect(texts()).toEqual([]);
    const json = JSON.parse((await cli('silence', 'list', '--json')).stdout) as { rule: string; account: string; level: string; active: boolean }[];
    expect(json).toEqual([expect.objectContaining({ rule: 'UPI', account: 'upi_*', level: 'critical', active: true })]);
  });

  it('removes a silence, after which notifications resume', async () => {
    await cli('silence', 'add', 'USD settlement', '--for', '1h', '--reason', 'known');
    expect((await cli('silence', 'remove', '1')).stdout).toBe('silence #1 removed: notifications resume at the next check\n');
    sim.setBepaidAmount('40701810842020395221', 50_000n);
    await cli('once');
    expect(texts()).toEqual(['[WARNING] USD settlement: 500.00 USD (below 1,000.00)']);
    const again = await cli('silence', 'remove', '1');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no silence #1 is in force/);
  });

  it('validates what it is given, refuses a rule the config does not have, and warns about an alert not yet evaluated', async () => {
    const noFor = await cli('silence', 'add', 'UPI', '--for', 'soon', '--reason', 'x');
    expect(noFor.code).toBe(1);
    expect(noFor.stderr).toMatch(/--for: "soon" is not a duration/);
    const noReason = await cli('silence', 'add', 'UPI', '--for', '1h', '--reason', ' ');
    expect(noReason.stderr).toMatch(/say why with --reason/);
    const level = await cli('silence', 'add', 'UPI', '--for', '1h', '--reason', 'x', '--level', 'all');
    expect(level.stderr).toMatch(/--level must be warning/);
    const tooLong = await cli('silence', 'add', 'UPI', '--for', '99999d', '--reason', 'x');
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toBe('--for: at most 90d; to stop alerts for longer, change or remove the rule in the config\n');
    const notYet = await cli('silence', 'add', 'UPI', '--for', '1h', '--reason', 'x');
    expect(notYet.code).toBe(0);
    expect(notYet.stderr).toMatch(/warning: no alert in the state store matches UPI yet/);
    await cli('once');
    const typo = await cli('silence', 'add', 'bKash agent flaot', '--for', '1h', '--reason', 'x');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('no rule in the config is called "bKash agent flaot" (rules: "bKash agent float", "UPI", "USD settlement"); nothing was silenced\n');
    const glob = await cli('silence', 'add', 'bKash*', '--for', '1h', '--reason', 'x');
    expect(glob.code).toBe(0);
    const listed = JSON.parse((await cli('silence', 'list', '--json')).stdout) as { rule: string }[];
    expect(listed.map((s) => s.rule)).toEqual(['UPI', 'bKash*']);
  });
});

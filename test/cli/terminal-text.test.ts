import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { printable, printableOutput } from '../../src/printable.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

/** Clears the screen, retitles the terminal, then breaks the line: what a hostile or broken API might name a payment system. */
const HOSTILE = 'upi_\x1b[2J\x1b]0;pwned\x07\r\nx\x9b1m';
const SHOWN = 'upi_\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\x0ax\\x9b1m';

describe('printable', () => {
  it.each([
    ['plain text stays', 'bkash_a 1,000.00 BDT', 'bkash_a 1,000.00 BDT'],
    ['every control character escaped, line breaks too', HOSTILE, SHOWN],
    ['DEL', 'a\x7fb', 'a\\x7fb'],
    ['non-ASCII letters stay', 'счёт № 5 — ok', 'счёт № 5 — ok'],
  ])('%s', (_what, text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('keeps an output\'s own lines and leaves JSON valid', () => {
    const json = JSON.stringify({ account: HOSTILE });
    const shown = printableOutput(`${json}\n`);
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.parse(shown)).toEqual({ account: HOSTILE });
  });
});

describe('text from an API never reaches the terminal raw', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await simulator().start();
  });
  afterEach(() => sim.stop());

  it('once, status and history show a hostile payment system name escaped, in tables that stay whole', async () => {
    sim.setApayBalance(HOSTILE, '100');
    const dir = tempDir({ 'config.yaml': simulatedConfig(sim) });
    const file = path.join(dir, 'config.yaml');
    const once = await runCli(['once', '-c', file]);
    const status = await runCli(['status', '-c', file]);
    const history = await runCli(['history', '-c', file, 'UPI', '--account', HOSTILE]);
    for (const [command, result] of [['once', once], ['status', status], ['history', history]] as const) {
      expect(result.stdout + result.stderr, command).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(result.stdout + result.stderr, command).toContain(SHOWN);
    }
    expect(once.stdout.split('\n').find((line) => line.includes(SHOWN))).toMatch(/^UPI\s+apay\s+upi_\\x1b\[2J.*100\.00 INR/);
  });
});

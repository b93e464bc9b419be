import { describe, expect, it } from 'vitest';
import { DaemonProcess } from '../helpers/daemon.js';

describe('balance-watch demo', () => {
  it('shows a warning, an escalation, an improvement, a digest and the resolves, then exits 0 on Ctrl-C', async () => {
    const demo = new DaemonProcess(['demo'], {});
    try {
      await demo.waitForLog(/Press Ctrl-C to stop/);
      // The board's address comes first, so a newcomer opens it and watches.
      const board = /^Open the balance board: (http:\/\/127\.0\.0\.1:\d+\/) /.exec(demo.raw[0] ?? '');
      expect(board).not.toBeNull();
      await demo.waitForLog(/\[WARNING\] 2 balance alerts from apay/, 30_000);
      const page = await (await fetch(board![1]!)).text();
      expect(page).toMatch(/<tr class="s-warning"><td><b>warning<\/b>.*<td>bKash agent float<\/td>/);
      await demo.waitForLog(/Slack #treasury received: \[RESOLVED\] \d+ balance alerts from apay/, 75_000);
      const output = demo.raw.join('\n');
      expect(output).toMatch(/\[WARNING\] bKash agent float: 45,000.00 BDT/);
      expect(output).toMatch(/Email to finance@example.com: "\[CRITICAL\] bKash agent float: 8,500.00 BDT/);
      expect(output).toMatch(/improved from critical/);
      // The runway alert comes before Nagad is even a warning.
      const runway = output.indexOf('[RUNWAY] Nagad float');
      expect(output).toContain('[RUNWAY] Nagad float');
      expect(output.slice(0, runway)).not.toMatch(/\[WARNING\] Nagad float|Nagad float: [\d,.]+ BDT \(below 150,000/);
      expect(output).toMatch(/recovered: \+[\d,.]+ BDT since the last check/);
      expect(output).toMatch(/\[WARNING\] 2 balance alerts from apay/);
      // The move inside the hysteresis band (51,500 BDT) notifies nobody.
      expect(output).not.toMatch(/(received|Email to).*51,500/);
      expect(await demo.stop('SIGINT')).toBe(0);
    } finally {
      await demo.stop('SIGKILL').catch(() => undefined);
    }
  }, 90_000);
});

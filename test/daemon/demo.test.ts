import { describe, expect, it } from 'vitest';
import { DaemonProcess } from '../helpers/daemon.js';

describe('balance-watch demo', () => {
  it('shows a warning, an escalation, an improvement, a digest and the resolves, then exits 0 on Ctrl-C', async () => {
    const demo = new DaemonProcess(['demo'], {});
    try {
      await demo.waitForLog(/Press Ctrl-C to stop/);
      await demo.waitForLog(/Slack #treasury received: \[RESOLVED\] 3 balance alerts from apay/, 75_000);
      const output = demo.raw.join('\n');
      expect(output).toMatch(/Slack #treasury received: \[WARNING\] bKash agent float: 45,000.00 BDT/);
      expect(output).toMatch(/Email to finance@example.com: "\[CRITICAL\] bKash agent float: 8,500.00 BDT/);
      expect(output).toMatch(/improved from critical/);
      expect(output).toMatch(/\[WARNING\] 2 balance alerts from apay/);
      // The move inside the hysteresis band (51,500 BDT) notifies nobody.
      expect(output).not.toMatch(/(received|Email to).*51,500/);
      expect(await demo.stop('SIGINT')).toBe(0);
    } finally {
      await demo.stop('SIGKILL').catch(() => undefined);
    }
  }, 90_000);
});

import { isTotalSource } from '../rules/total.js';
import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { configPath } from '../config/file.js';
import { locateState } from '../config/state-location.js';
import { formatMoney } from '../money/money.js';
import { formatTime } from '../notify/format.js';
import { seenLabel } from '../rules/seen-state.js';
import { openStoreOrExit } from './open-store.js';

/**
 * `balance-watch forget RULE/ACCOUNT`: closes an alert quietly, for an account
 * gone for good (a payment system A-Pay no longer lists keeps its no-data
 * alert while it may come back). No message is sent; the alert's timeline says
 * it was forgotten; it returns as a new alert if the account reappears.
 */
export async function forget(target: string, options: { readonly config?: string }, io: CommandIo): Promise<void> {
  const at = target.lastIndexOf('/');
  if (at <= 0 || at === target.length - 1) throw new ExitError(1, `name one alert as RULE/ACCOUNT, e.g. "UPI/upi_old" (balance-watch status lists them)`);
  const rule = target.slice(0, at);
  const account = target.slice(at + 1);
  const located = await locateState(configPath(options.config, io.env), io.env);
  if (!located.ok) throw new ExitError(1, located.error);
  const render = located.value.timezone === undefined ? {} : { timezone: located.value.timezone };
  const store = await openStoreOrExit(located.value.state, 1);
  try {
    const now = Date.now();
    const forgotten = await store.forgetAlert(rule, account, now);
    if (!forgotten) {
      const ofRule = (await store.alerts()).filter((a) => a.rule === rule).map((a) => a.account);
      throw new ExitError(1, ofRule.length > 0 ? `rule "${rule}" has no alert for "${account}" (accounts: ${ofRule.join(', ')})` : `no alert of rule "${rule}" in the state store`);
    }
    const last = forgotten.state.lastValue ? `, last read ${formatMoney(forgotten.state.lastValue)}${forgotten.state.lastObservedAt === undefined ? '' : ` at ${formatTime(forgotten.state.lastObservedAt, render)}`}` : '';
    const after = isTotalSource(forgotten.source)
      ? 'the total starts afresh at its next check, with the members its sources list then'
      : `it comes back as a new alert if ${forgotten.source} lists ${account} again`;
    io.out(`forgot ${rule}/${account} (${seenLabel(forgotten.state)}${last}): closed quietly, nothing was sent; ${after}`);
  } finally {
    await store.close();
  }
}

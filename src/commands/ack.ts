import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { configPath } from '../config/file.js';
import { locateState } from '../config/state-location.js';
import { formatTime } from '../notify/time.js';
import { isFiring } from '../rules/alert.js';
import { parseSilenceTarget } from '../rules/silence.js';
import { seenLabel } from '../rules/seen-state.js';
import type { StateStore, StoredAlert } from '../store/store.js';
import { openStoreOrExit } from './open-store.js';

export interface AckOptions {
  readonly config?: string;
  readonly by?: string;
  readonly note?: string;
}

/** The alerts RULE or RULE/ACCOUNT names, or an exit that says what the store has. */
async function targets(store: StateStore, target: string): Promise<StoredAlert[]> {
  const { rule, account } = parseSilenceTarget(target);
  const ofRule = (await store.alerts()).filter((a) => a.rule === rule);
  if (ofRule.length === 0) throw new ExitError(1, `no alert of rule "${rule}" in the state store (balance-watch status lists them)`);
  const named = account === null ? ofRule : ofRule.filter((a) => a.account === account);
  if (named.length === 0) throw new ExitError(1, `rule "${rule}" has no alert for "${account}" (accounts: ${ofRule.map((a) => a.account).join(', ')})`);
  return named;
}

async function withStore(option: string | undefined, io: CommandIo, work: (store: StateStore, render: { timezone?: string }) => Promise<void>): Promise<void> {
  const located = await locateState(configPath(option, io.env), io.env);
  if (!located.ok) throw new ExitError(1, located.error);
  const store = await openStoreOrExit(located.value.state, 1);
  try {
    await work(store, located.value.timezone === undefined ? {} : { timezone: located.value.timezone });
  } finally {
    await store.close();
  }
}

/**
 * `balance-watch ack RULE[/ACCOUNT] --by NAME [--note TEXT]`: "I'm on it".
 * The alert keeps its level and is still evaluated, but sends no repeat until
 * it gets worse or resolves; the resolve says who acknowledged it.
 */
export async function ack(target: string, options: AckOptions, io: CommandIo): Promise<void> {
  const by = options.by?.trim();
  if (!by) throw new ExitError(1, 'say who is on it with --by, e.g. --by Anna: the team sees it');
  const note = options.note?.trim();
  await withStore(options.config, io, async (store, render) => {
    const firing = (await targets(store, target)).filter((a) => isFiring(a.state));
    if (firing.length === 0) throw new ExitError(1, `nothing of ${target} is firing: there is nothing to acknowledge`);
    const now = Date.now();
    for (const alert of firing) {
      await store.acknowledgeAlert(alert.rule, alert.account, { by, at: now, ...(note ? { note } : {}) }, now);
      io.out(`acknowledged ${alert.rule}/${alert.account} (${seenLabel(alert.state)}) by ${by} at ${formatTime(now, render)}${note ? `: ${note}` : ''}; no repeats until it gets worse or resolves`);
    }
  });
}

/** `balance-watch ack remove RULE[/ACCOUNT]`: takes an acknowledgement back; repeats resume. */
export async function ackRemove(target: string, options: { readonly config?: string }, io: CommandIo): Promise<void> {
  await withStore(options.config, io, async (store) => {
    const acknowledged = (await targets(store, target)).filter((a) => a.state.acknowledged);
    if (acknowledged.length === 0) throw new ExitError(1, `nothing of ${target} is acknowledged`);
    for (const alert of acknowledged) {
      await store.acknowledgeAlert(alert.rule, alert.account, null, Date.now());
      io.out(`${alert.rule}/${alert.account}: acknowledgement by ${alert.state.acknowledged!.by} taken back; repeats resume`);
    }
  });
}

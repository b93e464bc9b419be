import type { Config } from '../config/types.js';
import type { ActionEcho } from '../notify/message.js';
import type { OutboxStore, StoredAlert } from '../store/store.js';

/** What people did to an alert, for its channels. */
export interface Answer {
  readonly action: ActionEcho['action'];
  readonly by: string;
  readonly note: string;
  /** A silence's end; none for an acknowledgement. */
  readonly until: number | null;
}

/**
 * One short message to the alert's channels saying who did what, and why,
 * through the outbox like every other message: the leader sends it, once.
 * Returns whether anything was queued.
 */
export async function echoAnswer(store: Pick<OutboxStore, 'enqueue'>, config: Pick<Config, 'rules'>, alert: StoredAlert, answer: Answer, now: number): Promise<boolean> {
  const rule = config.rules.find((r) => r.name === alert.rule);
  const channels = rule?.notify ?? [];
  if (channels.length === 0) return false;
  const message = echoOf(config, alert, answer, now);
  await store.enqueue(alert.source, channels.map((channel) => ({ channel, message })), now);
  return true;
}

function echoOf(config: Pick<Config, 'rules'>, alert: StoredAlert, answer: Answer, now: number): ActionEcho {
  const rule = config.rules.find((r) => r.name === alert.rule);
  return {
    kind: 'action',
    action: answer.action,
    rule: alert.rule,
    account: alert.account,
    target: rule?.payment_system ?? rule?.account ?? alert.account,
    by: answer.by,
    note: answer.note || null,
    until: answer.until,
    at: now,
  };
}

/**
 * The same answer to several alerts (a digest's "Acknowledge all"): each
 * channel hears once, naming the alerts it was told of.
 */
export async function echoAnswers(store: Pick<OutboxStore, 'enqueue'>, config: Pick<Config, 'rules'>, alerts: readonly StoredAlert[], answer: Answer, now: number): Promise<boolean> {
  const byChannel = new Map<string, StoredAlert[]>();
  for (const alert of alerts) {
    for (const channel of config.rules.find((r) => r.name === alert.rule)?.notify ?? []) byChannel.set(channel, [...(byChannel.get(channel) ?? []), alert]);
  }
  for (const [channel, heard] of byChannel) {
    const [first, ...rest] = heard as [StoredAlert, ...StoredAlert[]];
    const message = { ...echoOf(config, first, answer, now), ...(rest.length > 0 ? { more: rest.map((a) => `${a.rule} · ${a.account}`) } : {}) };
    await store.enqueue(first.source, [{ channel, message }], now);
  }
  return byChannel.size > 0;
}

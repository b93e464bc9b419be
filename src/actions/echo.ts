import type { Config } from '../config/types.js';
import { catalogOf } from '../sources/index.js';
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

/** One short message to the alert's channels saying who did what, and why (see echoAnswers). */
export function echoAnswer(store: Pick<OutboxStore, 'enqueue'>, config: Pick<Config, 'rules' | 'sources'>, alert: StoredAlert, answer: Answer, now: number): Promise<boolean> {
  return echoAnswers(store, config, [alert], answer, now);
}

function echoOf(config: Pick<Config, 'rules' | 'sources'>, alert: StoredAlert, answer: Answer, now: number): ActionEcho {
  const rule = config.rules.find((r) => r.name === alert.rule);
  const source = rule && config.sources.find((s) => s.id === rule.source);
  return {
    kind: 'action',
    action: answer.action,
    rule: alert.rule,
    account: alert.account,
    // A total names itself, as its events do ("INR liquidity · total").
    target: rule?.total ? rule.name : ((rule && source ? catalogOf(source).targetOf(rule) : undefined) ?? alert.account),
    by: answer.by,
    note: answer.note || null,
    until: answer.until,
    at: now,
  };
}

/**
 * An answer to alerts (several, for a digest's "Acknowledge all"), for their
 * channels: each hears once, naming the alerts it was told of, through the
 * outbox like every other message, so the leader sends it, once. Returns
 * whether anything was queued.
 */
export async function echoAnswers(store: Pick<OutboxStore, 'enqueue'>, config: Pick<Config, 'rules' | 'sources'>, alerts: readonly StoredAlert[], answer: Answer, now: number): Promise<boolean> {
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

import type { Config } from '../config/types.js';
import type { AlertEvent } from '../rules/alert.js';
import type { Failure } from '../net/failure.js';
import type { Summary } from './summary.js';

/**
 * What a channel is asked to deliver. `alerts` is the digest of one source's
 * cycle for one channel; `test` is the explicit kind `test-notify` sends.
 */
export type Message =
  | { readonly kind: 'alerts'; readonly source: string; readonly events: readonly AlertEvent[] }
  | { readonly kind: 'test'; readonly channel: string; readonly at: number }
  | Summary;

export type SendResult = { readonly ok: true } | { readonly ok: false; readonly failure: Failure };

/** A place notifications go. `send` never throws: a failure says whether retrying can help. */
export interface Channel {
  readonly id: string;
  readonly type: string;
  send(message: Message, signal: AbortSignal): Promise<SendResult>;
  close(): void;
}

/** How messages show times: the config's zone, or the host's. */
export interface RenderOptions {
  readonly timezone?: string;
}

/** The digests one source's cycle owes: for each channel, the events of the rules that notify it. */
export function digestsFor(config: Pick<Config, 'rules'>, source: string, events: readonly AlertEvent[]): { channel: string; message: Message }[] {
  const notifyOf = new Map(config.rules.map((rule) => [rule.name, rule.notify]));
  const byChannel = new Map<string, AlertEvent[]>();
  for (const event of events) {
    for (const channel of notifyOf.get(event.rule) ?? []) {
      const list = byChannel.get(channel) ?? [];
      list.push(event);
      byChannel.set(channel, list);
    }
  }
  return [...byChannel].map(([channel, list]) => ({ channel, message: { kind: 'alerts', source, events: list } }));
}

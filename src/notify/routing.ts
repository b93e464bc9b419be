import type { Config } from '../config/types.js';
import type { AlertEvent } from '../rules/alert.js';
import type { Message } from './message.js';

/** The digests one check owes: for each channel, the events routed to it (see rules/routes.ts). */
export function digestsFor(config: Pick<Config, 'rules'>, source: string, events: readonly AlertEvent[]): { channel: string; message: Message }[] {
  const notifyOf = new Map(config.rules.map((rule) => [rule.name, rule.notify]));
  const byChannel = new Map<string, AlertEvent[]>();
  for (const event of events) {
    for (const channel of event.to ?? notifyOf.get(event.rule) ?? []) {
      const list = byChannel.get(channel) ?? [];
      list.push(event);
      byChannel.set(channel, list);
    }
  }
  return [...byChannel].map(([channel, list]) => ({ channel, message: { kind: 'alerts', source, events: list } }));
}

import type { Config } from '../config/types.js';
import { messageTitle } from './format.js';
import type { DeliveryFailureNotice, Message } from './message.js';

/**
 * Who hears that `failed` gave `message` up: the other channels of the rules
 * it was about (every other channel, for a summary). Never anyone for a notice
 * or a test message: a notice about a notice would be a loop.
 */
export function noticeRecipients(config: Pick<Config, 'rules' | 'channels'>, message: Message, failed: string): string[] {
  if (message.kind === 'delivery-failure' || message.kind === 'test') return [];
  const configured = config.channels.map((channel) => channel.id);
  const wanted =
    message.kind === 'summary' || message.kind === 'unreadable'
      ? configured
      : message.kind === 'action'
        ? (config.rules.find((rule) => rule.name === message.rule)?.notify ?? [])
        : message.kind === 'away'
          ? message.alerts.flatMap((alert) => config.rules.find((rule) => rule.name === alert.rule)?.notify ?? [])
        : message.events.flatMap((event) => config.rules.find((rule) => rule.name === event.rule)?.notify ?? []);
  return [...new Set(wanted)].filter((id) => id !== failed && configured.includes(id));
}

/** The notice itself: what failed, why, and the alert that did not arrive. */
export function deliveryFailureNotice(
  lost: Message,
  failed: { readonly channel: string; readonly target: string },
  problem: string,
  at: number,
  { partial = false }: { readonly partial?: boolean } = {},
): DeliveryFailureNotice {
  return { kind: 'delivery-failure', channel: failed.channel, target: failed.target, problem, lost: messageTitle(lost), at, ...(partial ? { partial } : {}) };
}

/** Channels that messages still wait for but the config no longer has (renamed or removed), with how many. */
export function orphanedChannels(owed: readonly { readonly channel: string; readonly waiting: number }[], config: { readonly channels: readonly { readonly id: string }[] }): { channel: string; waiting: number }[] {
  const configured = new Set(config.channels.map((channel) => channel.id));
  return owed.filter((entry) => entry.waiting > 0 && !configured.has(entry.channel)).map(({ channel, waiting }) => ({ channel, waiting }));
}

/** What check, start and reload say about them. */
export function orphanWarning(orphan: { readonly channel: string; readonly waiting: number }): string {
  const n = orphan.waiting;
  return `${n} undelivered notification${n === 1 ? '' : 's'} belong${n === 1 ? 's' : ''} to channel "${orphan.channel}", which the config no longer has: restore it (or its old id) to deliver ${n === 1 ? 'it' : 'them'}; otherwise ${n === 1 ? 'it is' : 'they are'} given up on after delivery.give_up_after and the rules' other channels are told`;
}

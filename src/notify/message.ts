import type { AlertEvent } from '../rules/alert.js';
import type { Failure } from '../net/failure.js';
import type { AwayDigest } from './away-digest.js';
import type { Summary } from './summary.js';

/**
 * A channel gave a message up: the other channels of its rules hear of it, so
 * a dead channel never goes unnoticed. Plain words only, never a secret.
 */
export interface DeliveryFailureNotice {
  readonly kind: 'delivery-failure';
  /** The channel that failed, by id. */
  readonly channel: string;
  /** Whom it was for, for people: "Email to finance@example.com". */
  readonly target: string;
  /** Why it was given up on, as the channel reported it (already redacted). */
  readonly problem: string;
  /** The title of the message that was lost. */
  readonly lost: string;
  /** Set when the message reached some of the channel's recipients, and only those named in `problem` were refused. */
  readonly partial?: boolean;
  readonly at: number;
}

/**
 * What a channel is asked to deliver. `alerts` is the digest of one source's
 * cycle for one channel; `test` is the explicit kind `test-notify` sends.
 */
/** Someone answered an alert (from a message's link): the alert's channels hear who did what. */
export interface ActionEcho {
  readonly kind: 'action';
  readonly action: 'silenced' | 'acknowledged';
  readonly rule: string;
  readonly account: string;
  /** What the rule names (a payment system, a glob): the account is named too when it differs. */
  readonly target: string;
  readonly by: string;
  readonly note: string | null;
  /** The silence's end (none for an acknowledgement). */
  readonly until: number | null;
  /** An "Acknowledge all" of a digest: the other alerts it acknowledged, by name. */
  readonly more?: readonly string[];
  readonly at: number;
}

export type Message =
  | { readonly kind: 'alerts'; readonly source: string; readonly events: readonly AlertEvent[] }
  | ActionEcho
  | { readonly kind: 'test'; readonly channel: string; readonly at: number }
  | DeliveryFailureNotice
  | Summary
  | AwayDigest
  | UnreadableMessage;

/**
 * What the outbox holds where a stored message no version of balance-watch
 * can read (see store/message-codec.ts): never sent, only given up on, with a
 * notice to the other channels.
 */
export interface UnreadableMessage {
  readonly kind: 'unreadable';
  readonly why: string;
}

/** What a channel is handed: every message but an unreadable one. */
export type SendableMessage = Exclude<Message, UnreadableMessage>;

/** A recipient a channel's server refused while it delivered to the others (an email's RCPT TO). */
export interface RefusedRecipient {
  readonly recipient: string;
  /** The server's words, e.g. "550 5.1.1 user unknown". */
  readonly problem: string;
}

/**
 * Delivered; or delivered to some recipients and refused by the server for
 * `refused` (never resent: the others have it); or failed, saying whether
 * retrying can help.
 */
export type SendResult =
  | { readonly ok: true; readonly refused?: readonly RefusedRecipient[]; readonly deliveredTo?: number }
  | { readonly ok: false; readonly failure: Failure };

/** A place notifications go. `send` never throws: a failure says whether retrying can help. */
export interface Channel {
  readonly id: string;
  readonly type: string;
  /** Where it delivers, for people and without secrets: "Email to finance@example.com". */
  readonly label: string;
  send(message: SendableMessage, signal: AbortSignal): Promise<SendResult>;
  close(): void;
}

/** What a message offers people to do about one alert (see src/actions/links.ts). */
export interface ActionLinks {
  readonly acknowledge: string;
  readonly silences: readonly { readonly label: string; readonly url: string }[];
  readonly board: string;
}

export type ActionLinker = (event: AlertEvent) => ActionLinks | undefined;

/** A digest's one "Acknowledge all N" link, for the alerts of one source's check. */
export type DigestLinker = (source: string, events: readonly AlertEvent[]) => string | undefined;

/** How messages show times (the config's zone, or the host's), and what they let people do. */
export interface RenderOptions {
  readonly timezone?: string;
  /** The action links of an event (Silence…, Open on the board), when the config turns them on. */
  readonly links?: ActionLinker;
  readonly digestLink?: DigestLinker;
}

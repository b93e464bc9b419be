import { z } from 'zod';
import type { Message } from '../notify/message.js';
import { decodeJson, encodeJson } from './codec.js';

/*
 * Messages owed in the outbox outlive the release that queued them (a Slack
 * outage during a deploy). So a stored message says which shape it is in, is
 * read back through the upgraders of later shapes, and is checked against the
 * current shape before anything sends it. A row no version can read is given up
 * on (reason `unreadable`), never sent as garbage and never allowed to crash
 * the drain.
 */

/** The shape messages are written in now. Bump it with a new upgrader when Message changes. */
export const MESSAGE_VERSION = 1;

const decimal = z.strictObject({ units: z.bigint(), scale: z.number().int().min(0) });
const money = z.strictObject({ amount: decimal, currency: z.string().nullable() });
const level = z.enum(['ok', 'warning', 'critical']);
const eventKind = z.enum(['firing', 'escalation', 'improvement', 'resolved', 'repeat', 'no_data', 'no_data_resolved', 'runway', 'runway_resolved', 'drop', 'drop_resolved', 'escalated']);
const thresholds = z.strictObject({ warn: decimal.optional(), critical: decimal.optional(), warnRecover: decimal.optional(), criticalRecover: decimal.optional() });

const alertEvent = z.strictObject({
  kind: eventKind,
  rule: z.string(),
  source: z.string(),
  account: z.string(),
  target: z.string(),
  level,
  previousLevel: level,
  value: money.optional(),
  previousValue: money.optional(),
  thresholds,
  since: z.number(),
  at: z.number(),
  reason: z.string().optional(),
  noData: z.boolean().optional(),
  projection: z.strictObject({ ms: z.number(), target: money }).optional(),
  // Added within version 1: optional, so every message queued before it reads as it is.
  topUp: z.strictObject({ atLeast: money, to: money, cover: z.strictObject({ amount: money, ms: z.number() }).optional() }).optional(),
  drop: z.strictObject({ from: money, fall: money, ratio: z.number(), overMs: z.number(), limit: z.string(), withinMs: z.number() }).optional(),
  recent: z.array(z.number()).optional(),
  runwayBelow: z.number().optional(),
  silenceEnded: z.boolean().optional(),
  acknowledged: z.strictObject({ by: z.string(), at: z.number() }).optional(),
  members: z.strictObject({ shown: z.array(z.strictObject({ key: z.string(), value: money })), count: z.number().int().min(0) }).optional(),
  joined: z.array(z.string()).optional(),
  to: z.array(z.string()).optional(),
  step: z.strictObject({ number: z.number().int().min(1), of: z.number().int().min(1) }).optional(),
});

const summaryEvent = z.strictObject({ rule: z.string(), account: z.string(), kind: z.union([eventKind, z.enum(['forgotten', 'acknowledged', 'unacknowledged'])]), level, at: z.number(), value: money.nullable() });

const messageV1 = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('alerts'), source: z.string(), events: z.array(alertEvent).min(1) }),
  z.strictObject({ kind: z.literal('test'), channel: z.string(), at: z.number() }),
  z.strictObject({
    kind: z.literal('action'),
    action: z.enum(['silenced', 'acknowledged']),
    rule: z.string(),
    account: z.string(),
    target: z.string(),
    by: z.string(),
    note: z.string().nullable(),
    until: z.number().nullable(),
    more: z.array(z.string()).optional(),
    at: z.number(),
  }),
  z.strictObject({
    kind: z.literal('delivery-failure'),
    channel: z.string(),
    target: z.string(),
    problem: z.string(),
    lost: z.string(),
    at: z.number(),
    partial: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('summary'),
    channel: z.string(),
    from: z.number(),
    to: z.number(),
    late: z.boolean(),
    balances: z.array(
      z.strictObject({
        rule: z.string(),
        account: z.string(),
        source: z.string(),
        state: z.enum(['critical', 'warning', 'no data', 'silenced', 'pending', 'ok']),
        value: money.nullable(),
        change: money.nullable(),
      }),
    ),
    fired: z.array(summaryEvent),
    resolved: z.array(summaryEvent),
  }),
  // Added within version 1 (time windows): a kind no earlier message has.
  z.strictObject({
    kind: z.literal('away'),
    channel: z.string(),
    from: z.number(),
    to: z.number(),
    timezone: z.string(),
    alerts: z.array(
      z.strictObject({
        rule: z.string(),
        account: z.string(),
        target: z.string(),
        happened: z.array(z.strictObject({ kind: eventKind, level, at: z.number(), value: money.nullable() })),
        now: z.strictObject({ label: z.string(), firing: z.boolean(), value: money.nullable() }),
      }),
    ),
  }),
]);

/**
 * Each entry reads the shape of its version and returns the next one's. Version
 * 0 is a bare message, as every release before versions wrote it: the same
 * shape as version 1, unwrapped.
 */
const UPGRADES: readonly ((stored: unknown) => unknown)[] = [(bare) => bare];

/** A message as stored: the current shape in an envelope that names it. */
export function encodeMessage(message: Message): string {
  return encodeJson({ v: MESSAGE_VERSION, m: message });
}

export type DecodedMessage = { readonly ok: true; readonly message: Message } | { readonly ok: false; readonly why: string };

/** A stored message in the current shape, or why it cannot be read. Never throws. */
export function decodeMessage(text: string): DecodedMessage {
  let stored: unknown;
  try {
    stored = decodeJson<unknown>(text);
  } catch {
    return { ok: false, why: 'it is not JSON' };
  }
  const enveloped = stored !== null && typeof stored === 'object' && 'v' in stored && 'm' in stored;
  const version = enveloped ? (stored as { v: unknown }).v : 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return { ok: false, why: 'it names no version' };
  if (version > MESSAGE_VERSION) return { ok: false, why: `it was written by a newer balance-watch (message version ${version}; this one reads up to ${MESSAGE_VERSION})` };
  let message = enveloped ? (stored as { m: unknown }).m : stored;
  try {
    for (let at = version; at < MESSAGE_VERSION; at += 1) message = UPGRADES[at]!(message);
  } catch {
    return { ok: false, why: `it could not be brought from version ${version} to ${MESSAGE_VERSION}` };
  }
  const checked = messageV1.safeParse(message);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { ok: false, why: `it is not a message balance-watch ${MESSAGE_VERSION} knows (${issue ? `${issue.path.join('.') || 'the message'}: ${issue.message}` : 'no detail'})` };
  }
  return { ok: true, message: checked.data as Message };
}

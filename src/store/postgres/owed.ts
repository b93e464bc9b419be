import { encodeMessage } from '../message-codec.js';
import type { OwedMessage } from '../store.js';
import type { Query } from './lease.js';

/** Queues messages in one statement, in their order: the cycle, a notice and a summary all queue through it. */
export async function insertOwed(query: Query, source: string, items: readonly OwedMessage[], createdAt: number, dueAt: number): Promise<void> {
  if (items.length === 0) return;
  await query(
    `INSERT INTO outbox (channel, source, message, created_at, next_attempt_at)
     SELECT c, $1, m, $2, $3 FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS t(c, m, n) ORDER BY n`,
    [source, createdAt, dueAt, items.map((i) => i.channel), items.map((i) => encodeMessage(i.message))],
  );
}

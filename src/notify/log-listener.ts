import type { Logger } from 'pino';
import type { DeliveryListener } from './delivery.js';

/** Delivery outcomes as log lines (never with a secret: messages are already redacted by the channels). */
export function loggingListener(log: Logger, extra: Partial<DeliveryListener> = {}): DeliveryListener {
  return {
    delivered(row, channel) {
      log.info({ channel, outbox_id: row.id, attempts: row.attempts + 1 }, 'notification delivered');
      extra.delivered?.(row, channel);
    },
    retrying(row, channel, reason, message, next) {
      log.warn({ channel, outbox_id: row.id, reason, attempts: row.attempts + 1, next_attempt_at: new Date(next).toISOString() }, `notification failed, will retry: ${message}`);
      extra.retrying?.(row, channel, reason, message, next);
    },
    gaveUp(row, channel, reason, message) {
      log.error({ channel, outbox_id: row.id, reason }, `notification given up on: ${message}`);
      extra.gaveUp?.(row, channel, reason, message);
    },
    refused(row, channel, message) {
      log.warn({ channel, outbox_id: row.id, reason: 'refused' }, `notification delivered, but some recipients were refused: ${message}`);
      extra.refused?.(row, channel, message);
    },
    noticed(row, channel, recipients) {
      log.warn({ channel, outbox_id: row.id, told: recipients }, `told ${recipients.join(', ')} that ${channel} failed`);
      extra.noticed?.(row, channel, recipients);
    },
    unheard(row, channel, message) {
      log.error(
        { channel, outbox_id: row.id },
        `no other channel can be told that ${channel} failed (${message}): people are not hearing about this alert; /readyz reports the channel as failing`,
      );
      extra.unheard?.(row, channel, message);
    },
    held(row, channel, until) {
      log.info({ channel, outbox_id: row.id, until: new Date(until).toISOString() }, `a notification for ${channel} is held until its time window opens`);
      extra.held?.(row, channel, until);
    },
    orphaned(row, channel) {
      // Re-checked every minute: start and reload already warn, and the overdue report follows at an hour.
      log.debug({ channel, outbox_id: row.id }, `a notification waits for channel "${channel}", which is no longer in the config; restore the channel, or it is given up on at delivery.give_up_after`);
      extra.orphaned?.(row, channel);
    },
    overdue(row) {
      log.error(
        { channel: row.channel, outbox_id: row.id, queued_at: new Date(row.createdAt).toISOString(), attempts: row.attempts, last_error: row.lastError },
        'a notification has been undelivered for over an hour: people are not hearing about this alert',
      );
      extra.overdue?.(row);
    },
  };
}

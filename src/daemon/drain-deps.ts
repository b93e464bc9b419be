import type { Config } from '../config/types.js';
import { DEFAULT_DELIVERY, type DeliveryDeps, type DeliveryListener, type DeliveryOptions } from '../notify/delivery.js';
import type { Channel } from '../notify/message.js';
import { noticeRecipients } from '../notify/notices.js';

/** What a drain of the outbox needs, built the same way by the daemon and by `once`. */
export function drainDeps(args: {
  readonly config: Config;
  readonly store: DeliveryDeps['store'];
  readonly channels: ReadonlyMap<string, Channel>;
  readonly listener: DeliveryListener;
  readonly now: () => number;
  readonly random: () => number;
  /** Backoff and notice settings; give_up_after always comes from the config. */
  readonly delivery?: DeliveryOptions;
}): DeliveryDeps {
  const { config } = args;
  return {
    store: args.store,
    channels: args.channels,
    recipientsOf: (message, failed) => noticeRecipients(config, message, failed),
    now: args.now,
    random: args.random,
    options: { ...(args.delivery ?? DEFAULT_DELIVERY), giveUpAfterMs: config.delivery.give_up_after },
    listener: args.listener,
    windowOf: (channel) => {
      const name = config.channels.find((c) => c.id === channel)?.active_in;
      return name === undefined ? undefined : config.timeWindows.get(name);
    },
  };
}

import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { channelsFor, closeChannels } from '../notify/channels.js';
import { loadConfigOrExit } from './load-config.js';

export interface TestNotifyOptions {
  readonly config?: string;
  readonly channel?: string;
}

/** `balance-watch test-notify`: a message marked as a test to every channel (or one); exit 0 only if all were delivered. */
export async function testNotify(options: TestNotifyOptions, io: CommandIo): Promise<void> {
  const config = await loadConfigOrExit(options.config, io, 1);
  const all = channelsFor(config);
  const ids = options.channel === undefined ? [...all.keys()] : [options.channel];
  if (ids.length === 0) throw new ExitError(1, 'no channels are configured: add one under channels:');
  const unknown = ids.filter((id) => !all.has(id));
  if (unknown.length > 0) throw new ExitError(1, `no channel has id "${unknown[0]}" (channels: ${[...all.keys()].join(', ') || 'none'})`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    const results = await Promise.all(
      ids.map(async (id) => {
        const channel = all.get(id)!;
        const result = await channel.send({ kind: 'test', channel: id, at: Date.now() }, controller.signal);
        return { id, type: channel.type, result };
      }),
    );
    for (const { id, type, result } of results) {
      io.out(result.ok ? `${id} (${type}): delivered` : `${id} (${type}): FAILED (${result.failure.reason}): ${result.failure.message}`);
    }
    if (results.some((r) => !r.result.ok)) throw new ExitError(1);
  } finally {
    closeChannels(all);
  }
}

import type { Logger } from 'pino';
import type { Config, SourceConfig } from '../config/types.js';
import type { ChannelDeps } from '../notify/channel-deps.js';
import { channelsFor, closeChannels } from '../notify/channels.js';
import type { Channel } from '../notify/message.js';
import { orphanedChannels, orphanWarning } from '../notify/notices.js';
import { createSource } from '../sources/index.js';
import type { BalanceSource, SourceDeps } from '../sources/source.js';
import type { StateStore } from '../store/store.js';
import { SourceMemory } from './source-cycle.js';

/** What one config load brings to life: clients and channels, replaced whole on reload. */
export interface Runtime {
  readonly config: Config;
  readonly sources: ReadonlyMap<string, RuntimeSource>;
  /** The channels messages are sent through, by id. */
  readonly channels: ReadonlyMap<string, Channel>;
}

export interface RuntimeSource {
  readonly config: SourceConfig;
  readonly client: BalanceSource;
  /** What the daemon remembers of this source between cycles; new with every config load. */
  readonly memory: SourceMemory;
}

export interface RuntimeDeps {
  readonly sourceDeps: SourceDeps;
  readonly channelDeps: (config: Config) => ChannelDeps;
}

export function buildRuntime(config: Config, deps: RuntimeDeps): Runtime {
  return {
    config,
    sources: new Map(config.sources.map((source) => [source.id, { config: source, client: createSource(source, deps.sourceDeps), memory: new SourceMemory() }])),
    channels: channelsFor(config, deps.channelDeps(config)),
  };
}

export function closeRuntime(runtime: Runtime): void {
  closeChannels(runtime.channels);
}

/** Settings read once at start: the store, the HTTP listener and the lease. */
const restartOnly = (config: Config) => JSON.stringify({ state: config.state, http: config.http, lease: config.ha.lease });

/**
 * The config a reload puts in force: the new one, with the settings only a
 * restart can change kept from the one running. `restartNeeded` says whether
 * the new file changed any of them.
 */
export function reloadedConfig(current: Config | undefined, next: Config): { readonly config: Config; readonly restartNeeded: boolean } {
  if (!current) return { config: next, restartNeeded: false };
  return { config: { ...next, state: current.state, http: current.http, ha: current.ha }, restartNeeded: restartOnly(current) !== restartOnly(next) };
}

/**
 * Brings the store in line with a config about to run: alerts of rules it no
 * longer has are closed quietly (they would never be evaluated again), and
 * messages owed to channels it no longer has are kept, and said so.
 */
export async function reconcileStore(store: StateStore, config: Config, log: Logger, now: number): Promise<void> {
  const removed = await store.removeAlertsExcept(config.rules.map((rule) => rule.name));
  if (removed > 0) log.info({ removed_rules: removed }, 'alerts of rules no longer in the config were closed quietly');
  for (const orphan of orphanedChannels(await store.channelHealth.all(now), config)) {
    log.warn({ channel: orphan.channel, waiting: orphan.waiting }, orphanWarning(orphan));
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import type { CommandIo } from '../cli/io.js';
import { formatDiagnostic } from '../config/diagnostic.js';
import { configPath } from '../config/file.js';
import { loadConfigFile } from '../config/load.js';
import type { Config } from '../config/types.js';
import { ExitError } from '../cli/exit-error.js';
import { type FirstFetches, startFirstFetches } from '../daemon/first-fetch.js';
import { tuneHeap } from '../daemon/heap.js';
import type { Logger } from '../daemon/logger.js';
import { isPostgresUrl } from '../store/location.js';
import { defaultSourceDeps } from '../sources/deps.js';
import { loadConfigOrExit } from './load-config.js';

/*
 * Only what the first fetch needs is imported up front (the config loader and
 * the sources); the rest of the daemon loads while that request is on the wire.
 */
const loadDaemonModules = () =>
  Promise.all([
    import('../daemon/daemon.js'),
    import('../daemon/http-server.js'),
    import('../daemon/logger.js'),
    import('../daemon/metrics.js'),
    import('../daemon/scheduler.js'),
    import('../daemon/config-watch.js'),
    import('../notify/channel-deps.js'),
    import('../notify/channels.js'),
    import('./open-store.js'),
  ]);

export interface RunOptions {
  readonly config?: string;
}

/** Resolves on the first SIGTERM or SIGINT. */
function untilStopSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.once('SIGINT', () => log.warn('already shutting down'));
      resolve(signal);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}

/** `balance-watch run`: the daemon, until SIGTERM or SIGINT; reloads on SIGHUP and when the file changes. */
export async function run(options: RunOptions, io: CommandIo): Promise<void> {
  tuneHeap();
  const file = configPath(options.config, io.env);
  const config = await loadConfigOrExit(options.config, io, 1);
  const sourceDeps = defaultSourceDeps();
  // With PostgreSQL this process may follow another replica: it fetches nothing until it leads.
  const firstFetches: FirstFetches | undefined = isPostgresUrl(config.state) ? undefined : startFirstFetches(config, sourceDeps);
  const [{ Daemon }, { ListenError }, { createLogger }, { createMetrics }, { cronScheduler }, { watchConfigFile }, { defaultChannelDeps }, { renderOptionsFor }, { openStoreOrExit }] =
    await loadDaemonModules();
  const log = createLogger({ level: io.env['LOG_LEVEL'] });
  let store;
  try {
    store = await openStoreOrExit(config.state, 1);
  } catch (error) {
    firstFetches?.cancel();
    throw error;
  }
  const metrics = createMetrics();
  const daemon = new Daemon({
    log,
    store,
    metrics,
    scheduler: cronScheduler,
    sourceDeps,
    channelDeps: (c: Config) => defaultChannelDeps(renderOptionsFor(c)),
    now: Date.now,
    random: Math.random,
    holder: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    monotonic: () => performance.now(),
    ...(firstFetches === undefined ? {} : { firstFetches }),
  });
  const stopped = untilStopSignal(log);
  try {
    await daemon.start(config);
  } catch (error) {
    await daemon.stop();
    await store.close();
    if (error instanceof ListenError) throw new ExitError(1, error.message);
    throw error;
  }
  log.info(
    { config: file, state: store.location, schedule: config.schedule, sources: config.sources.length, rules: config.rules.length, channels: config.channels.length },
    'balance-watch started',
  );

  let appliedHash = hash(await readFile(file, 'utf8').catch(() => ''));
  const reload = async (trigger: string) => {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined && hash(text) === appliedHash && trigger === 'file change') return;
    const loaded = await loadConfigFile(file, io.env);
    if (!loaded.config) {
      for (const diagnostic of loaded.errors) log.error(formatDiagnostic(file, diagnostic));
      log.error({ trigger }, `the changed config was refused (${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'}); still running the previous one`);
      metrics.configReloads.inc({ outcome: 'refused' });
      return;
    }
    for (const warning of loaded.warnings) log.warn(formatDiagnostic(file, warning));
    await daemon.reload(loaded.config);
    appliedHash = hash(text ?? '');
    metrics.configReloads.inc({ outcome: 'applied' });
    log.info({ trigger, rules: loaded.config.rules.length, sources: loaded.config.sources.length }, 'config reloaded');
  };
  const watcher = watchConfigFile(
    file,
    () => void reload('file change'),
    (why) => log.warn({ config: file }, `watching ${file} for changes stopped (${why}): edits now apply only on SIGHUP (kill -HUP ${process.pid}) or a restart`),
  );
  const onHup = () => void reload('SIGHUP');
  process.on('SIGHUP', onHup);

  const signal = await stopped;
  log.info({ signal }, 'shutting down');
  process.off('SIGHUP', onHup);
  watcher.close();
  await daemon.stop();
  await store.close();
  log.info('stopped cleanly');
  log.flush();
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

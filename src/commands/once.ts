import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { createLogger } from '../daemon/logger.js';
import { runSourceCycle } from '../daemon/source-cycle.js';
import { answerOf, checkTotal } from '../daemon/totals-cycle.js';
import { channelsFor, closeChannels } from '../notify/channels.js';
import { drainOutbox } from '../notify/delivery.js';
import { drainDeps } from '../daemon/drain-deps.js';
import { loggingListener } from '../notify/log-listener.js';
import { alertRowJson, nagiosStatus, renderAlertTable } from '../report/alert-rows.js';
import { defaultSourceDeps } from '../sources/deps.js';
import { createSource } from '../sources/index.js';
import { headline } from '../notify/format.js';
import { holdLeaseForOnce } from './once-lease.js';
import { loadConfigOrExit } from './load-config.js';
import { describeLocation } from '../store/location.js';
import { openStoreOrExit } from './open-store.js';

export interface OnceOptions {
  readonly config?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** Nagios "unknown": the config is invalid or a source could not be read. */
const UNKNOWN = 3;

/**
 * `balance-watch once`: one full cycle now, every source, like one daemon cycle
 * (state written, notifications sent) unless `--dry-run`. Exit status per the
 * Nagios plugin convention.
 */
export async function once(options: OnceOptions, io: CommandIo): Promise<void> {
  const json = Boolean(options.json);
  const config = await loadConfigOrExit(options.config, io, UNKNOWN, { json });
  const store = options.dryRun ? undefined : await openStoreOrExit(config.state, UNKNOWN).catch((error: unknown) => {
    if (json && error instanceof ExitError) {
      io.out(JSON.stringify({ status: 'unknown', error: error.message, config_errors: [] }, null, 2));
      throw new ExitError(error.exitCode);
    }
    throw error;
  });
  const log = createLogger({ level: io.env['LOG_LEVEL'] ?? 'warn', destination: 2 });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const channels = store ? channelsFor(config) : new Map();
  let lease: { release(): Promise<void> } | undefined;
  try {
    if (store) lease = await holdLeaseForOnce(store, config, log, controller, UNKNOWN);
    const deps = defaultSourceDeps();
    const cycles = await Promise.all(
      config.sources.map(async (sourceConfig) => ({
        sourceConfig,
        ...(await runSourceCycle({ config, sourceConfig, source: createSource(sourceConfig, deps), store, now: Date.now, signal: controller.signal })),
      })),
    );
    // Totals after every source, from what each just answered.
    const answers = new Map(cycles.map((cycle) => [cycle.sourceConfig.id, answerOf(cycle.fetched, Date.now())]));
    const totals = [];
    for (const rule of config.rules) {
      if (!rule.total) continue;
      const checked = await checkTotal({ config, rule, answers, store, now: Date.now(), maxAgeMs: Number.POSITIVE_INFINITY, signal: controller.signal });
      if (checked) totals.push({ plan: checked.plan, ...checked.committed });
    }
    let undelivered = 0;
    if (store) {
      await drainOutbox(drainDeps({ config, store, channels, listener: loggingListener(log), now: Date.now, random: Math.random }), controller.signal);
      undelivered = (await store.pendingMessages()).length;
    }
    const checks = [...cycles, ...totals];
    const rows = checks.flatMap((cycle) => cycle.plan.rows);
    const notifyOf = new Map(config.rules.map((rule) => [rule.name, rule.notify]));
    const notified = checks.flatMap((cycle) => cycle.notified.map((event) => ({ event, channels: event.to ?? notifyOf.get(event.rule) ?? [] })));
    const listed = notified.map(({ event, channels }) => `  ${headline(event)} → ${channels.join(', ') || 'no channel'}`).join('\n');
    const failedSources = cycles.filter((cycle) => !cycle.fetched.ok);
    const status = nagiosStatus(rows, failedSources.length > 0);
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            checked_at: new Date().toISOString(),
            status: ['ok', 'warning', 'critical', 'unknown'][status],
            dry_run: Boolean(options.dryRun),
            sources: cycles.map(({ sourceConfig, fetched }) => ({ id: sourceConfig.id, type: sourceConfig.type, ok: fetched.ok, error: fetched.ok ? null : fetched.failure.message })),
            alerts: rows.map(alertRowJson),
            notifications: {
              queued: checks.reduce((n, c) => n + c.queued, 0),
              undelivered,
              sent: options.dryRun ? [] : notified.map(({ event, channels }) => ({ rule: event.rule, account: event.account, kind: event.kind, level: event.level, channels })),
            },
          },
          null,
          2,
        ),
      );
    } else {
      for (const { sourceConfig, fetched } of failedSources) io.out(`source ${sourceConfig.id} could not be read: ${fetched.ok ? '' : fetched.failure.message}`);
      io.out(renderAlertTable(rows));
      const events = checks.flatMap((c) => c.plan.events);
      if (options.dryRun) io.out(`\ndry run: ${events.length} notification event${events.length === 1 ? '' : 's'} would be sent; no state was written${listed ? `:\n${listed}` : ''}`);
      else if (notified.length > 0) io.out(`\nnotified (${notified.length}):\n${listed}`);
      if (!options.dryRun && undelivered > 0) io.out(`\n${undelivered} notification${undelivered === 1 ? '' : 's'} not yet delivered: they stay queued in ${describeLocation(config.state)} and are retried by the next run`);
    }
    if (status !== 0) throw new ExitError(status);
  } finally {
    process.off('SIGINT', stop);
    closeChannels(channels);
    await lease?.release();
    await store?.close();
    log.flush();
  }
}

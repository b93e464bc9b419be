import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { formatDiagnostic } from '../config/diagnostic.js';
import { configPath, loadConfigFile } from '../config/load.js';
import { alertRowJson, nagiosStatus, renderAlertTable } from '../report/alert-rows.js';
import type { AlertState } from '../rules/alert.js';
import { planCycle } from '../rules/cycle.js';
import { defaultSourceDeps } from '../sources/deps.js';
import { createSource } from '../sources/index.js';

export interface OnceOptions {
  readonly config?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** Nagios "unknown": the config is invalid or a source could not be read. */
const UNKNOWN = 3;

/** `balance-watch once`: one full cycle now, every source; exit status per the Nagios plugin convention. */
export async function once(options: OnceOptions, io: CommandIo): Promise<void> {
  const file = configPath(options.config, io.env);
  const loaded = await loadConfigFile(file, io.env);
  if (!loaded.config) {
    for (const diagnostic of loaded.errors) io.err(formatDiagnostic(file, diagnostic));
    throw new ExitError(UNKNOWN, `${file}: the config is invalid; run balance-watch check -c ${file}`);
  }
  const config = loaded.config;
  if (!options.dryRun && !options.json) {
    io.err('note: the state store and notifications are not built yet, so this runs as a dry run (nothing is sent or written)');
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const now = Date.now();
  const deps = defaultSourceDeps();
  const previous = new Map<string, AlertState>();
  try {
    const cycles = await Promise.all(
      config.sources.map(async (source) => {
        const fetched = await createSource(source, deps).fetchBalances(controller.signal);
        return { source, fetched, plan: planCycle(config, source, fetched, previous, now) };
      }),
    );
    const rows = cycles.flatMap((cycle) => cycle.plan.rows);
    const failedSources = cycles.filter((cycle) => !cycle.fetched.ok);
    const status = nagiosStatus(rows, failedSources.length > 0);
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            checked_at: new Date(now).toISOString(),
            status: ['ok', 'warning', 'critical', 'unknown'][status],
            sources: cycles.map(({ source, fetched }) => ({ id: source.id, type: source.type, ok: fetched.ok, error: fetched.ok ? null : fetched.failure.message })),
            alerts: rows.map(alertRowJson),
          },
          null,
          2,
        ),
      );
    } else {
      for (const { source, fetched } of failedSources) io.out(`source ${source.id} could not be read: ${fetched.ok ? '' : fetched.failure.message}`);
      io.out(renderAlertTable(rows));
    }
    if (status !== 0) throw new ExitError(status);
  } finally {
    process.off('SIGINT', stop);
  }
}

import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { formatDiagnostic } from '../config/diagnostic.js';
import { configPath } from '../config/file.js';
import { loadConfigFile } from '../config/load.js';
import type { Config } from '../config/types.js';
import { humanDuration } from '../notify/time.js';
import { orphanedChannels, orphanWarning } from '../notify/notices.js';
import { describeLocation, isPostgresUrl, mayHoldState } from '../store/location.js';
import { openStore } from '../store/open.js';
import type { StateStore } from '../store/store.js';

export interface CheckOptions {
  readonly config?: string;
  /** After validation, a line per rule of what it would have sent over the stored history. */
  readonly backtest?: boolean;
  readonly since?: string;
  /** With backtest: only the rules that differ from this config's, each with the difference. */
  readonly against?: string;
}

/** `balance-watch check`: validates the config without touching the network. */
export async function check(options: CheckOptions, io: CommandIo): Promise<void> {
  const file = configPath(options.config, io.env);
  const result = await loadConfigFile(file, io.env);
  for (const diagnostic of [...result.errors, ...result.warnings]) io.out(formatDiagnostic(file, diagnostic));
  if (!result.config) {
    io.out(`${file}: ${count(result.errors.length, 'error')}${result.warnings.length ? `, ${count(result.warnings.length, 'warning')}` : ''}; nothing was started`);
    throw new ExitError(1);
  }
  const orphans = await orphansInStore(result.config);
  for (const orphan of orphans) io.out(`${file}: warning: ${orphanWarning(orphan)}`);
  const warnings = result.warnings.length + orphans.length;
  io.out(`${file} is valid${warnings ? ` (${count(warnings, 'warning')})` : ''}.`);
  io.out(summarize(result.config));
  if (options.backtest) io.out(await backtestLines(result.config, options, io));
}

/**
 * `check --backtest`: a line per rule over the stored history, for a quick look
 * before a reload; with --against (the config running now), only the rules that
 * changed, each with what the change does.
 */
async function backtestLines(config: Config, options: CheckOptions, io: CommandIo): Promise<string> {
  const { loadConfigOrExit } = await import('./load-config.js');
  const { replayHistory } = await import('./backtest.js');
  const { ruleDifference, ruleSummary } = await import('../report/backtest.js');
  const { parseDuration } = await import('../config/duration.js');
  const period = parseDuration(options.since ?? '7d');
  if (!period.ok) throw new ExitError(2, `--since ${options.since}: ${period.error}`);
  if (!mayHoldState(config.state)) return `backtest: no history yet at ${describeLocation(config.state)}`;
  const before = options.against === undefined ? undefined : await loadConfigOrExit(options.against, io, 1);
  const until = Date.now();
  const { result, previous } = await replayHistory({ config, ...(before ? { before } : {}), since: until - period.value, until, state: config.state });
  if (!before || !previous) return `backtest over the last ${humanDuration(period.value)}:\n${result.rules.map((rule) => `  ${ruleSummary(rule, period.value)}`).join('\n')}`;
  const changed = [...new Set([...config.rules, ...before.rules].map((r) => r.name))].filter((name) => {
    const a = config.rules.find((r) => r.name === name);
    const b = before.rules.find((r) => r.name === name);
    return !a || !b || ruleText(a) !== ruleText(b);
  });
  if (changed.length === 0) return `backtest: no rule differs from ${options.against}`;
  const lines = changed.map((name) => `  ${name}: ${ruleDifference(result.rules.find((r) => r.rule === name), previous.rules.find((r) => r.rule === name))}`);
  return `backtest over the last ${humanDuration(period.value)}, the rules that differ from ${options.against} (before → after):\n${lines.join('\n')}`;
}

/** A rule's settings, comparable across two loads (amounts are bigints). */
const ruleText = (rule: Config['rules'][number]): string => JSON.stringify(rule, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

/** Messages the existing state store still owes to channels this config no longer has (renamed or removed). */
async function orphansInStore(config: Config): Promise<{ channel: string; waiting: number }[]> {
  // check touches no network: a PostgreSQL store is the daemon's (and status's) to look at.
  if (isPostgresUrl(config.state) || !mayHoldState(config.state)) return [];
  let store: StateStore | undefined;
  try {
    store = await openStore(config.state, { readonly: true });
    const waiting = new Map<string, number>();
    for (const row of await store.pendingMessages()) waiting.set(row.channel, (waiting.get(row.channel) ?? 0) + 1);
    return orphanedChannels([...waiting].map(([channel, n]) => ({ channel, waiting: n })), config);
  } catch {
    return []; // a store check cannot read is the daemon's to report; the config itself is what check judges
  } finally {
    await store?.close();
  }
}

function actionsLine(config: Config): string {
  const actions = config.actions;
  if (!actions) return 'off: set http.public_url and actions.secret (32+ characters, from a variable) to put Silence links in messages';
  const choices = actions.silenceChoices.map(humanDuration).join(', ');
  return `silence links to ${config.http.publicUrl}: for ${choices}, or until ${actions.silenceUntil}; each valid ${humanDuration(actions.linkTtl)}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What the config declares, so a user can see it was read as meant. Never shows a secret. */
export function summarize(config: Config): string {
  const accounts = config.sources.reduce((n, source) => n + (source.type === 'bepaid' ? source.accounts.length : 0), 0);
  const lines = [
    `  schedule  ${config.schedule}${config.timezone ? ` (${config.timezone})` : ''}`,
    `  sources   ${count(config.sources.length, 'source')}: ${config.sources.map((s) => `${s.id} (${s.type})`).join(', ')}`,
    `  accounts  ${count(accounts, 'bePaid account')} declared`,
    `  channels  ${config.channels.length === 0 ? 'none' : `${count(config.channels.length, 'channel')}: ${config.channels.map((c) => `${c.id} (${c.type})`).join(', ')}`}`,
    `  rules     ${count(config.rules.length, 'rule')}`,
    `  state     ${describeLocation(config.state)}`,
    `  actions   ${actionsLine(config)}`,
  ];
  return lines.join('\n');
}

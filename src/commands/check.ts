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
}

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

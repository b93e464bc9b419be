import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { parseDuration } from '../config/duration.js';
import { configPath } from '../config/file.js';
import { locateState, type StateLocation } from '../config/state-location.js';
import { nameMatcher } from '../glob.js';
import { formatTime, humanDuration } from '../notify/format.js';
import type { RenderOptions } from '../notify/message.js';
import { renderTable } from '../report/table.js';
import { isActive, MAX_SILENCE_MS, parseSilenceTarget, type Silence, silenceCovers } from '../rules/silence.js';
import type { StateStore } from '../store/store.js';
import { openStoreOrExit } from './open-store.js';

export interface SilenceAddOptions {
  readonly config?: string;
  readonly for?: string;
  readonly reason?: string;
  readonly level?: string;
}

/** Ended and expired silences stay in `silence list` this long. */
const RECENTLY_MS = 86_400_000;

async function withStore<T>(option: string | undefined, io: CommandIo, work: (store: StateStore, render: RenderOptions, located: StateLocation) => Promise<T>): Promise<T> {
  const located = await locateState(configPath(option, io.env), io.env);
  if (!located.ok) throw new ExitError(1, located.error);
  const store = await openStoreOrExit(located.value.state, 1);
  try {
    return await work(store, located.value.timezone === undefined ? {} : { timezone: located.value.timezone }, located.value);
  } finally {
    await store.close();
  }
}

export function describeSilence(s: Silence): string {
  const target = s.account === null ? `${s.rule} (every account)` : `${s.rule}/${s.account}`;
  return `${target}, ${s.level === 'critical' ? 'everything muted' : 'warnings muted, critical still notifies'}`;
}

/** `balance-watch silence add RULE[/ACCOUNT] --for 2h --reason "…"`. */
export async function silenceAdd(target: string, options: SilenceAddOptions, io: CommandIo): Promise<void> {
  const duration = parseDuration(options.for ?? '');
  if (options.for === undefined) throw new ExitError(1, 'say how long with --for, e.g. --for 2h');
  if (!duration.ok) throw new ExitError(1, `--for: ${duration.error}`);
  if (duration.value > MAX_SILENCE_MS) throw new ExitError(1, `--for: at most 90d; to stop alerts for longer, change or remove the rule in the config`);
  const reason = options.reason?.trim();
  if (!reason) throw new ExitError(1, 'say why with --reason, e.g. --reason "top-up requested": the team sees it in status');
  const level = options.level ?? 'warning';
  if (level !== 'warning' && level !== 'critical') throw new ExitError(1, '--level must be warning (critical still notifies) or critical (mute everything)');
  const { rule, account } = parseSilenceTarget(target);
  await withStore(options.config, io, async (store, render, located) => {
    const matchesRule = nameMatcher(rule);
    if (!located.rules.some(matchesRule)) {
      const known = located.rules.length === 0 ? 'none' : located.rules.map((name) => `"${name}"`).join(', ');
      throw new ExitError(1, `no rule in the config is called ${rule.includes('*') ? `like "${rule}"` : `"${rule}"`} (rules: ${known}); nothing was silenced`);
    }
    const now = Date.now();
    const silence = { rule, account, level, reason, createdAt: now, until: now + duration.value } as const;
    const id = await store.addSilence(silence);
    io.out(`silence #${id} added: ${describeSilence({ ...silence, id, endedAt: null, endReason: null })}, until ${formatTime(silence.until, render)}: ${reason}`);
    const probe = { ...silence, id, endedAt: null, endReason: null };
    if (!(await store.alerts()).some((a) => silenceCovers(probe, a.rule, a.account))) {
      io.err(`warning: no alert in the state store matches ${target} yet; check the rule name (balance-watch status lists them). The silence is kept.`);
    }
  });
}

/** `balance-watch silence list`: silences in force, and those that ended in the last day. */
export async function silenceList(options: { config?: string; json?: boolean }, io: CommandIo): Promise<void> {
  await withStore(options.config, io, async (store, render) => {
    const now = Date.now();
    const all = await store.silences(now, now - RECENTLY_MS);
    if (options.json) {
      io.out(JSON.stringify(all.map((s) => silenceJson(s, now)), null, 2));
      return;
    }
    if (all.length === 0) {
      io.out('No silences.');
      return;
    }
    io.out(renderSilences(all, now, render));
  });
}

export function renderSilences(silences: readonly Silence[], now: number, render: RenderOptions): string {
  return renderTable(
    ['ID', 'ALERT', 'MUTES', 'UNTIL', 'STATE', 'REASON'],
    silences.map((s) => [
      `#${s.id}`,
      s.account === null ? s.rule : `${s.rule}/${s.account}`,
      s.level === 'critical' ? 'everything' : 'warnings',
      formatTime(s.until, render),
      isActive(s, now) ? `active, ${humanDuration(s.until - now)} left` : s.endedAt !== null ? `ended (${s.endReason ?? 'removed'})` : 'expired',
      s.reason,
    ]),
  );
}

export function silenceJson(s: Silence, now: number) {
  return {
    id: s.id,
    rule: s.rule,
    account: s.account,
    level: s.level,
    reason: s.reason,
    created_at: new Date(s.createdAt).toISOString(),
    until: new Date(s.until).toISOString(),
    active: isActive(s, now),
    ended_at: s.endedAt === null ? null : new Date(s.endedAt).toISOString(),
    end_reason: s.endReason,
  };
}

/** `balance-watch silence remove ID`. */
export async function silenceRemove(id: string, options: { config?: string }, io: CommandIo): Promise<void> {
  const number = Number(id.replace(/^#/, ''));
  if (!Number.isSafeInteger(number) || number <= 0) throw new ExitError(1, `"${id}" is not a silence id; silence list shows them`);
  await withStore(options.config, io, async (store) => {
    if (!(await store.endSilence(number, Date.now(), 'removed'))) throw new ExitError(1, `no silence #${number} is in force (silence list shows them)`);
    io.out(`silence #${number} removed: notifications resume at the next check`);
  });
}

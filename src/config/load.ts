import { readFile } from 'node:fs/promises';
import { unreadableMessage } from './file.js';
import path from 'node:path';
import { CHECKS } from './checks.js';
import { type Diagnostic, sortDiagnostics } from './diagnostic.js';
import type { Environment } from './env.js';
import { type RawConfig, configSchema, TEXT_NUMBER_KEYS } from './schema.js';
import { BUILT_IN_DEFAULTS, type Config, type HttpListen, type LoadResult, type Rule } from './types.js';
import { isPostgresUrl } from '../store/location.js';
import type { EscalationStep } from '../rules/escalate.js';
import { everyRoute, routesOf, type WrittenNotify } from '../rules/routes.js';
import { totalSourceId } from '../rules/total.js';
import { resolveMembers, totalCurrency } from './total-of.js';
import { resolveTimeWindow } from './time-windows.js';
import { parseYamlTree } from './yaml-tree.js';
import { issuesToDiagnostics } from './zod-issues.js';

export interface ParseOptions {
  /** The config file's path as the user gave it: messages name it, relative paths start from its folder. */
  readonly file: string;
  readonly env: Environment;
}

const TOP = { line: 1, col: 1 };

/** Parses and validates config text: every problem at once, and a config only if there is no error. */
export function parseConfigText(text: string, options: ParseOptions): LoadResult {
  if (text.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(text)) {
    return failed([{ severity: 'error', message: 'the file is empty; start from config.example.yaml', position: TOP }]);
  }
  const tree = parseYamlTree(text, { env: options.env, textNumberKeys: TEXT_NUMBER_KEYS });
  if (tree.data === undefined) return failed(tree.errors);
  if (tree.data === null || typeof tree.data !== 'object' || Array.isArray(tree.data)) {
    const what = Array.isArray(tree.data) ? 'a list' : 'a single value';
    return failed([
      ...tree.errors,
      { severity: 'error', message: `the file must be a mapping of settings (schedule:, sources:, rules:, …), not ${what}`, position: TOP },
    ]);
  }
  const data = tree.data as Record<string, unknown>;
  const parsed = configSchema.safeParse(data);
  const schemaErrors = parsed.success ? [] : issuesToDiagnostics(parsed.error.issues, configSchema, data, tree.positions);
  // With schema errors, the valid parts are still cross-checked, so that one run shows every problem.
  const { raw, indices } = parsed.success ? { raw: parsed.data, indices: identityIndices(parsed.data) } : salvage(data);
  const config = resolve(raw, options.file);
  const rawRules = listAt(data, 'rules') as (Record<string, unknown> | undefined)[];
  // Each window's name as written, by its place in the file ('' where it has none).
  const windowNames = listAt(data, 'time_windows').map((w) => (w && typeof w === 'object' && typeof (w as { name?: unknown }).name === 'string' ? (w as { name: string }).name : ''));
  const findings = CHECKS.flatMap((check) =>
    check({
      config,
      positions: tree.positions,
      ruleSets: (i, key) => rawRules[indices.rules[i]!]?.[key] !== undefined,
      ruleEscalate: (i) => rawRules[indices.rules[i]!]?.['escalate'],
      defaultsEscalate: (data['defaults'] as Record<string, unknown> | undefined)?.['escalate'],
      at: {
        source: (i) => ['sources', indices.sources[i]!],
        channel: (i) => ['channels', indices.channels[i]!],
        rule: (i) => ['rules', indices.rules[i]!],
      },
      actionsDeclared: data['actions'] !== undefined,
      windowNames,
      declared: { sources: declaredIds(data, 'sources'), channels: declaredIds(data, 'channels'), windows: new Set(windowNames.filter((name) => name !== '')), notified: notifiedIds(data) },
    }),
  );
  // One error per mistake: a value whose variable is missing is not also "not a URL".
  const known = new Set(tree.errors.map((d) => `${d.position.line}:${d.position.col}`));
  const later = [...schemaErrors, ...findings.filter((d) => d.severity === 'error')].filter((d) => !known.has(`${d.position.line}:${d.position.col}`));
  const errors = [...tree.errors, ...later];
  const warnings = sortDiagnostics(findings.filter((d) => d.severity === 'warning'));
  return errors.length > 0 ? { errors: sortDiagnostics(errors), warnings } : { config, errors: [], warnings };
}

interface Indices {
  readonly sources: number[];
  readonly channels: number[];
  readonly rules: number[];
}

function identityIndices(raw: RawConfig): Indices {
  const all = (list: readonly unknown[]) => list.map((_, i) => i);
  return { sources: all(raw.sources), channels: all(raw.channels), rules: all(raw.rules) };
}

function listAt(data: Record<string, unknown>, key: string): unknown[] {
  const value = data[key];
  return Array.isArray(value) ? value : [];
}

function declaredIds(data: Record<string, unknown>, key: 'sources' | 'channels'): Set<string> {
  return new Set(listAt(data, key).flatMap((item) => (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string' ? [(item as { id: string }).id] : [])));
}

function notifiedIds(data: Record<string, unknown>): Set<string> | 'every channel' {
  const ids = (value: unknown): string[] => {
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.values(value).flatMap(ids);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  };
  const defaults = data['defaults'];
  const defaultNotify = defaults && typeof defaults === 'object' ? (defaults as Record<string, unknown>)['notify'] : undefined;
  const notified = new Set(ids(defaultNotify));
  const stepIds = (steps: unknown) => (Array.isArray(steps) ? steps.flatMap((step) => ids(step && typeof step === 'object' ? (step as Record<string, unknown>)['notify'] : undefined)) : []);
  for (const id of stepIds(defaults && typeof defaults === 'object' ? (defaults as Record<string, unknown>)['escalate'] : undefined)) notified.add(id);
  for (const rule of listAt(data, 'rules')) {
    const notify = rule && typeof rule === 'object' ? (rule as Record<string, unknown>)['notify'] : undefined;
    for (const id of stepIds(rule && typeof rule === 'object' ? (rule as Record<string, unknown>)['escalate'] : undefined)) notified.add(id);
    if (notify === undefined && defaultNotify === undefined) return 'every channel';
    for (const id of ids(notify)) notified.add(id);
  }
  return notified;
}

/** The parts of an invalid config that are valid on their own, each list item kept with its index in the file. */
function salvage(data: Record<string, unknown>): { raw: RawConfig; indices: Indices } {
  const shape = configSchema.shape;
  const field = <T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, value: unknown, fallback: T): T => {
    const result = schema.safeParse(value);
    return result.success ? result.data : fallback;
  };
  const list = <T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, key: string) => {
    const kept: T[] = [];
    const indices: number[] = [];
    listAt(data, key).forEach((item, index) => {
      const result = schema.safeParse(item);
      if (result.success) {
        kept.push(result.data);
        indices.push(index);
      }
    });
    return { kept, indices };
  };
  const sources = list(shape.sources.element, 'sources');
  const channels = list(shape.channels.unwrap().element, 'channels');
  const rules = list(shape.rules.element, 'rules');
  const raw: RawConfig = {
    // An invalid schedule is already reported; a valid placeholder keeps the cron check quiet about it.
    schedule: field(shape.schedule, data['schedule'], '* * * * *'),
    timezone: field(shape.timezone, data['timezone'], undefined),
    state: field(shape.state, data['state'], './data/state.db'),
    history_retention: field(shape.history_retention, data['history_retention'], 90 * 86_400_000),
    http: field(shape.http, data['http'], { listen: false, auth_metrics: false }),
    sources: sources.kept,
    channels: channels.kept,
    time_windows: field(shape.time_windows, data['time_windows'], []),
    delivery: field(shape.delivery, data['delivery'], { give_up_after: 86_400_000 }),
    ha: field(shape.ha, data['ha'], { lease: 15_000 }),
    actions: field(shape.actions, data['actions'], undefined),
    defaults: field(shape.defaults, data['defaults'], {}),
    rules: rules.kept,
  };
  return { raw, indices: { sources: sources.indices, channels: channels.indices, rules: rules.indices } };
}

function failed(errors: readonly Diagnostic[]): LoadResult {
  return { errors: sortDiagnostics(errors), warnings: [] };
}

/** Fills each rule's policy from `defaults`, then the built-in defaults. */
function resolve(raw: RawConfig, file: string): Config {
  const everyChannel = raw.channels.map((channel) => channel.id);
  const rules = raw.rules.map(
    (rule): Rule => ({
      ...rule,
      ...totalOf(rule, raw.sources),
      ...notifyOf(rule.notify ?? raw.defaults.notify ?? everyChannel),
      hysteresis: rule.hysteresis ?? raw.defaults.hysteresis ?? BUILT_IN_DEFAULTS.hysteresis,
      for: rule.for ?? raw.defaults.for ?? BUILT_IN_DEFAULTS.for,
      repeat: rule.repeat ?? raw.defaults.repeat ?? BUILT_IN_DEFAULTS.repeat,
      stale_after: rule.stale_after ?? raw.defaults.stale_after ?? BUILT_IN_DEFAULTS.stale_after,
      runway_window: rule.runway_window ?? raw.defaults.runway_window ?? BUILT_IN_DEFAULTS.runway_window,
      topup_cover: rule.topup_cover ?? raw.defaults.topup_cover ?? BUILT_IN_DEFAULTS.topup_cover,
      ...dropOf(rule.drop_by ?? raw.defaults.drop_by),
      drop_within: rule.drop_within ?? raw.defaults.drop_within ?? BUILT_IN_DEFAULTS.drop_within,
      escalate: (rule.escalate ?? raw.defaults.escalate ?? [])
        .map((step): EscalationStep => ({ afterMs: step.after, notify: step.notify, ...(step.level === undefined ? {} : { level: step.level }) }))
        .sort((a, b) => a.afterMs - b.afterMs),
    }),
  );
  return {
    file,
    schedule: raw.schedule,
    ...(raw.timezone === undefined ? {} : { timezone: raw.timezone }),
    state: isPostgresUrl(raw.state) ? raw.state : path.resolve(path.dirname(path.resolve(file)), raw.state),
    history_retention: raw.history_retention,
    http: {
      listen: parseListen(raw.http.listen),
      ...(raw.http.auth === undefined ? {} : { basic: raw.http.auth }),
      ...(raw.http.token === undefined ? {} : { token: raw.http.token }),
      authMetrics: raw.http.auth_metrics,
      ...(raw.http.public_url === undefined ? {} : { publicUrl: raw.http.public_url.replace(/\/+$/, '') }),
    },
    sources: raw.sources,
    channels: raw.channels,
    timeWindows: new Map(raw.time_windows.map((w) => [w.name, resolveTimeWindow(w, raw.timezone)])),
    delivery: raw.delivery,
    ha: raw.ha,
    ...(raw.actions === undefined || raw.http.public_url === undefined
      ? {}
      : { actions: { secret: raw.actions.secret, silenceChoices: raw.actions.silence_choices, silenceUntil: raw.actions.silence_until, linkTtl: raw.actions.link_ttl } }),
    rules,
  };
}

/** A total's own source id, members and currency; an ordinary rule's source. */
function totalOf(rule: RawConfig['rules'][number], sources: RawConfig['sources']): Pick<Rule, 'source' | 'total'> {
  if (rule.total_of === undefined) return { source: rule.source ?? '' };
  const members = resolveMembers(rule.name, rule.total_of, sources);
  const currency = totalCurrency(members);
  return { source: totalSourceId(rule.name), total: { members: members.map((m) => m.spec), ...(currency === undefined ? {} : { currency }) } };
}

function notifyOf(written: WrittenNotify): Pick<Rule, 'notify' | 'routes' | 'notify_written'> {
  const routes = routesOf(written);
  return { notify: everyRoute(routes), routes, notify_written: written };
}

const dropOf = (by: Rule['drop_by']): Pick<Rule, 'drop_by'> => (by === undefined ? {} : { drop_by: by });

function parseListen(listen: string | false): HttpListen {
  if (listen === false) return false;
  const split = listen.lastIndexOf(':');
  return { host: listen.slice(0, split).replace(/^\[|\]$/g, ''), port: Number(listen.slice(split + 1)) };
}

/** Reads and parses a config file; a file that cannot be read is reported like any other config error. */
export async function loadConfigFile(file: string, env: Environment): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return failed([{ severity: 'error', message: unreadableMessage(error), position: TOP }]);
  }
  return parseConfigText(text, { file, env });
}


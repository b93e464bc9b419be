import cron from 'node-cron';
import { minorUnitExponent } from '../money/currency.js';
import { compareDecimal, type Decimal, formatDecimal, rescale } from '../money/decimal.js';
import { catalogOf } from '../sources/index.js';
import { recoveryLevels } from '../rules/thresholds.js';
import { type Check, problem } from './check-context.js';
import { totalsAreWellFormed } from './checks-totals.js';
import { windowsAreKnown } from './checks-windows.js';
import { isKnownZone } from './zone.js';
import { actionsAreComplete, boardIsGuarded, urlsAreSecure } from './checks-http.js';
import type { ConfigPath, Diagnostic } from './diagnostic.js';
import type { Config, Rule, SourceConfig } from './types.js';


function duplicates<T>(items: readonly T[], key: (item: T) => string | undefined): number[] {
  const seen = new Set<string>();
  const repeated: number[] = [];
  items.forEach((item, index) => {
    const value = key(item);
    if (value === undefined) return;
    if (seen.has(value)) repeated.push(index);
    seen.add(value);
  });
  return repeated;
}

const uniqueNames: Check = (context) => {
  const { sources, channels, rules } = context.config;
  return [
    ...duplicates(sources, (s) => s.id).map((i) => problem(context, 'error', [...context.at.source(i), 'id'], `source id "${sources[i]!.id}" is used twice; ids must be unique`)),
    ...duplicates(channels, (c) => c.id).map((i) => problem(context, 'error', [...context.at.channel(i), 'id'], `channel id "${channels[i]!.id}" is used twice; ids must be unique`)),
    ...duplicates(rules, (r) => r.name).map((i) =>
      problem(context, 'error', [...context.at.rule(i), 'name'], `rule name "${rules[i]!.name}" is used twice; each rule needs its own name (it identifies the alert)`),
    ),
  ];
};

function sourceOf(config: Config, rule: Rule): SourceConfig | undefined {
  return config.sources.find((source) => source.id === rule.source);
}

const rulesReferToSources: Check = (context) =>
  context.config.rules.flatMap((rule, i) => {
    // A total's members name their sources, and a rule with neither is reported by totalsAreWellFormed.
    if (rule.total_of !== undefined || !context.ruleSets(i, 'source') || context.declared.sources.has(rule.source)) return [];
    const ids = [...context.declared.sources].join(', ');
    return [problem(context, 'error', [...context.at.rule(i), 'source'], `rule "${rule.name}": no source has id "${rule.source}" (sources: ${ids})`)];
  });

const notifyListsReferToChannels: Check = (context) => {
  const ids = context.declared.channels;
  const known = [...ids].join(', ') || 'none are configured';
  const unknownInList = (list: readonly string[], path: ConfigPath) =>
    list.flatMap((id, j) => (ids.has(id) ? [] : [problem(context, 'error', [...path, j], `no channel has id "${id}" (channels: ${known})`)]));
  // Every id of every list, a map's by its level.
  const unknownIn = (written: Rule['notify_written'], path: ConfigPath) =>
    Array.isArray(written) ? unknownInList(written, path) : Object.entries(written).flatMap(([level, list]) => unknownInList(list ?? [], [...path, level]));
  const fromRules = context.config.rules.flatMap((rule, i) => (context.ruleSets(i, 'notify') ? unknownIn(rule.notify_written, [...context.at.rule(i), 'notify']) : []));
  const firstInheriting = context.config.rules.findIndex((_, i) => !context.ruleSets(i, 'notify'));
  const fromDefaults = firstInheriting >= 0 ? unknownIn(context.config.rules[firstInheriting]!.notify_written, ['defaults', 'notify']) : [];
  // Escalation steps as written (sorted by after only once resolved), the rule's own or the defaults'.
  const stepsAt = (steps: unknown, path: ConfigPath) =>
    (Array.isArray(steps) ? steps : []).flatMap((step: { notify?: unknown }, j) => (Array.isArray(step?.notify) ? unknownInList(step.notify.filter((id): id is string => typeof id === 'string'), [...path, j, 'notify']) : []));
  const fromSteps = [
    ...stepsAt(context.defaultsEscalate, ['defaults', 'escalate']),
    ...context.config.rules.flatMap((_, i) => stepsAt(context.ruleEscalate(i), [...context.at.rule(i), 'escalate'])),
  ];
  return [...fromDefaults, ...fromRules, ...fromSteps];
};

const rulesNotifySomeone: Check = (context) =>
  context.config.rules.flatMap((rule, i) =>
    rule.notify.length > 0
      ? []
      : [problem(context, 'warning', context.at.rule(i), `rule "${rule.name}" notifies no channel: it is evaluated but nobody hears of it`)],
  );

/** How each rule names its target, and each source its own accounts, judged by the source's type (src/sources/<type>.ts). */
const targetsFitTheirSource: Check = (context) => [
  ...context.config.sources.flatMap((source, s) =>
    catalogOf(source)
      .sourceProblems(source)
      .map((found) => problem(context, found.severity, [...context.at.source(s), ...(found.at ?? [])], found.message)),
  ),
  ...context.config.rules.flatMap((rule, i): Diagnostic[] => {
    const source = sourceOf(context.config, rule);
    if (!source) return [];
    return catalogOf(source)
      .ruleProblems(source, rule)
      .map((found) => problem(context, found.severity, [...context.at.rule(i), ...(found.at ?? [])], found.message));
  }),
];

const thresholdsAreOrdered: Check = (context) =>
  context.config.rules.flatMap((rule, i): Diagnostic[] => {
    const at = (key: string) => [...context.at.rule(i), key];
    const { warn_below: warn, critical_below: critical } = rule;
    if (warn === undefined && critical === undefined) {
      return [problem(context, 'error', context.at.rule(i), `rule "${rule.name}" needs warn_below or critical_below (or both)`)];
    }
    const found: Diagnostic[] = [];
    if (warn && critical && compareDecimal(critical, warn) >= 0) {
      found.push(problem(context, 'error', at('critical_below'), `critical_below (${formatDecimal(critical)}) must be below warn_below (${formatDecimal(warn)})`));
    }
    if (rule.recover_above && !warn) {
      found.push(problem(context, 'error', at('recover_above'), 'recover_above applies to the warning level; set warn_below too, or use critical_recover_above'));
    }
    if (rule.critical_recover_above && !critical) {
      found.push(problem(context, 'error', at('critical_recover_above'), 'critical_recover_above needs critical_below'));
    }
    const levels = recoveryLevels(rule);
    if (warn && rule.recover_above && compareDecimal(rule.recover_above, warn) <= 0) {
      found.push(problem(context, 'error', at('recover_above'), `recover_above (${formatDecimal(rule.recover_above)}) must be above warn_below (${formatDecimal(warn)})`));
    }
    if (critical && rule.critical_recover_above && compareDecimal(rule.critical_recover_above, critical) <= 0) {
      found.push(
        problem(context, 'error', at('critical_recover_above'), `critical_recover_above (${formatDecimal(rule.critical_recover_above)}) must be above critical_below (${formatDecimal(critical)})`),
      );
    }
    if (warn && critical && levels.criticalRecover && compareDecimal(levels.criticalRecover, warn) > 0) {
      found.push(
        problem(
          context,
          'warning',
          context.at.rule(i),
          `rule "${rule.name}": critical recovers at ${formatDecimal(levels.criticalRecover)}, above warn_below (${formatDecimal(warn)}); it will go from critical straight to resolved`,
        ),
      );
    }
    return found;
  });

const AMOUNT_KEYS = ['warn_below', 'critical_below', 'recover_above', 'critical_recover_above'] as const;
/** The amounts that must fit the currency's minor unit: the levels, and drop_by when it is an amount. */
const FITTED_KEYS = [...AMOUNT_KEYS, 'drop_by'] as const;

/** The currency a rule's balances will be in, when the config says so; thresholds must fit it. */
function ruleCurrency(config: Config, rule: Rule): string | undefined {
  if (rule.total) return rule.total.currency;
  const source = sourceOf(config, rule);
  if (!source) return undefined;
  const catalog = catalogOf(source);
  const covered = catalog.covers(source, rule);
  // A glob's accounts are known only from the API's answer; each is checked then.
  if (covered.kind !== 'fixed' || covered.accounts.length !== 1) return undefined;
  return catalog.currencyOf(source, rule, covered.accounts[0]!);
}

const thresholdsFitCurrency: Check = (context) =>
  context.config.rules.flatMap((rule, i) => {
    const currency = ruleCurrency(context.config, rule);
    const exponent = currency === undefined ? undefined : minorUnitExponent(currency);
    if (exponent === undefined) return [];
    const amountOf = (key: (typeof FITTED_KEYS)[number]): Decimal | undefined => (key === 'drop_by' ? (rule.drop_by?.kind === 'amount' ? rule.drop_by.amount : undefined) : rule[key]);
    return FITTED_KEYS.flatMap((key) => {
      const amount = amountOf(key);
      if (!amount) return [];
      const fitted = rescale(amount, exponent);
      if (fitted.ok) return [];
      const places = `${exponent} decimal place${exponent === 1 ? '' : 's'}`;
      return [problem(context, 'error', [...context.at.rule(i), key], `${key}: ${currency} has ${places}, but ${formatDecimal(amount, { grouping: false })} has ${fitted.error.needed}`)];
    });
  });

const scheduleIsCron: Check = (context) => {
  const result = cron.validateDetailed(context.config.schedule) as { valid: boolean; errors?: { message: string }[] };
  if (result.valid) return [];
  const why = result.errors?.map((e) => e.message).join('; ') ?? 'invalid';
  return [
    problem(context, 'error', ['schedule'], `schedule "${context.config.schedule}" is not a valid cron expression (${why}); use 5 fields such as "*/5 * * * *", or 6 with seconds first`),
  ];
};

const summariesAreCron: Check = (context) =>
  context.config.channels.flatMap((channel, i) => {
    if (channel.summary === undefined) return [];
    const result = cron.validateDetailed(channel.summary) as { valid: boolean; errors?: { message: string }[] };
    if (result.valid) return [];
    const why = result.errors?.map((e) => e.message).join('; ') ?? 'invalid';
    return [problem(context, 'error', [...context.at.channel(i), 'summary'], `summary "${channel.summary}" is not a valid cron expression (${why}); for 9:00 on weekdays write "0 9 * * 1-5"`)];
  });

const timezoneIsKnown: Check = (context) => {
  const zone = context.config.timezone;
  if (zone === undefined || isKnownZone(zone)) return [];
  return [problem(context, 'error', ['timezone'], `timezone "${zone}" is not an IANA time zone; use a name such as Europe/Minsk or UTC`)];
};

/** `secret`: the URL itself is a secret (a webhook), so the message must not show it. */
const channelsAreUsed: Check = (context) =>
  context.config.channels.flatMap((channel, i) =>
    context.declared.notified === 'every channel' || context.declared.notified.has(channel.id)
      ? []
      : [problem(context, 'warning', [...context.at.channel(i), 'id'], `channel "${channel.id}" is not in any rule's notify list`)],
  );

/** Balances are never below zero (a negative one is bad data), so a threshold at or below zero can never fire. */
const thresholdsCanFire: Check = (context) =>
  context.config.rules.flatMap((rule, i) =>
    (['warn_below', 'critical_below'] as const).flatMap((key) => {
      const level = rule[key];
      if (level === undefined || level.units > 0n) return [];
      return [problem(context, 'warning', [...context.at.rule(i), key], `${key} ${formatDecimal(level)} can never fire: a balance is never below 0 (balance-watch treats a negative one as bad data)`)];
    }),
  );

/** The cross-field checks, in the order their findings are most useful. */
export const CHECKS: readonly Check[] = [
  uniqueNames,
  rulesReferToSources,
  totalsAreWellFormed,
  notifyListsReferToChannels,
  targetsFitTheirSource,
  thresholdsAreOrdered,
  thresholdsFitCurrency,
  scheduleIsCron,
  summariesAreCron,
  windowsAreKnown,
  timezoneIsKnown,
  urlsAreSecure,
  channelsAreUsed,
  thresholdsCanFire,
  actionsAreComplete,
  rulesNotifySomeone,
  boardIsGuarded,
];

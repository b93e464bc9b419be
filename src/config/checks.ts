import cron from 'node-cron';
import { minorUnitExponent } from '../money/currency.js';
import { compareDecimal, type Decimal, formatDecimal, rescale } from '../money/decimal.js';
import { isLoopbackHost } from '../net/loopback.js';
import { catalogOf } from '../sources/index.js';
import { recoveryLevels } from '../rules/thresholds.js';
import { type ConfigPath, type Diagnostic, describePath } from './diagnostic.js';
import type { Config, Rule, SourceConfig } from './types.js';
import type { PositionIndex } from './yaml-tree.js';

/** What every cross-field check sees: the config with defaults applied, and where each setting stands. */
export interface CheckContext {
  readonly config: Config;
  readonly positions: PositionIndex;
  /** Whether a rule set the key itself (so that a problem is reported where it was written). */
  readonly ruleSets: (ruleIndex: number, key: string) => boolean;
  /** Where the i-th source, channel or rule of `config` stands in the file (invalid ones are left out of `config`). */
  readonly at: { readonly source: (i: number) => ConfigPath; readonly channel: (i: number) => ConfigPath; readonly rule: (i: number) => ConfigPath };
  /** Every id the file declares, valid or not, so a reference to a broken source is not reported twice. */
  /** Whether the file has an `actions:` section (valid or not). */
  readonly actionsDeclared: boolean;
  readonly declared: {
    readonly sources: ReadonlySet<string>;
    readonly channels: ReadonlySet<string>;
    /** Channel ids some rule of the file notifies, valid or not (every channel when a rule takes the default of all). */
    readonly notified: ReadonlySet<string> | 'every channel';
  };
}

type Check = (context: CheckContext) => Diagnostic[];

const problem = (context: CheckContext, severity: Diagnostic['severity'], path: ConfigPath, message: string): Diagnostic => ({
  severity,
  message,
  position: context.positions.valueAt(path),
});

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
    if (context.declared.sources.has(rule.source)) return [];
    const ids = [...context.declared.sources].join(', ');
    return [problem(context, 'error', [...context.at.rule(i), 'source'], `rule "${rule.name}": no source has id "${rule.source}" (sources: ${ids})`)];
  });

const notifyListsReferToChannels: Check = (context) => {
  const ids = context.declared.channels;
  const known = [...ids].join(', ') || 'none are configured';
  const unknownIn = (list: readonly string[], path: ConfigPath) =>
    list.flatMap((id, j) => (ids.has(id) ? [] : [problem(context, 'error', [...path, j], `no channel has id "${id}" (channels: ${known})`)]));
  const fromRules = context.config.rules.flatMap((rule, i) => (context.ruleSets(i, 'notify') ? unknownIn(rule.notify, [...context.at.rule(i), 'notify']) : []));
  const firstInheriting = context.config.rules.findIndex((_, i) => !context.ruleSets(i, 'notify'));
  const fromDefaults = firstInheriting >= 0 ? unknownIn(context.config.rules[firstInheriting]!.notify, ['defaults', 'notify']) : [];
  return [...fromDefaults, ...fromRules];
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

/** The currency a rule's balances will be in, when the config says so; thresholds must fit it. */
function ruleCurrency(config: Config, rule: Rule): string | undefined {
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
    return AMOUNT_KEYS.flatMap((key) => {
      const amount: Decimal | undefined = rule[key];
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
  if (zone === undefined) return [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return [];
  } catch {
    return [problem(context, 'error', ['timezone'], `timezone "${zone}" is not an IANA time zone; use a name such as Europe/Minsk or UTC`)];
  }
};

/** `secret`: the URL itself is a secret (a webhook), so the message must not show it. */
function checkHttps(context: CheckContext, url: string, path: ConfigPath, { secret }: { readonly secret: boolean }): Diagnostic[] {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) return [];
  if (parsed.protocol === 'https:') return [];
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return [];
  const shown = secret ? '' : ` (${url})`;
  return [problem(context, 'error', path, `${describePath(path)} must use https${shown}; plain http is allowed only for loopback hosts such as 127.0.0.1`)];
}

const urlsAreSecure: Check = (context) => [
  ...context.config.sources.flatMap((source, i) => checkHttps(context, source.base_url, [...context.at.source(i), 'base_url'], { secret: false })),
  ...context.config.channels.flatMap((channel, i) => {
    if (channel.type === 'slack') {
      if (!URL.canParse(channel.webhook_url)) {
        return [problem(context, 'error', [...context.at.channel(i), 'webhook_url'], 'webhook_url is not a URL; it should look like https://hooks.slack.com/services/…')];
      }
      return checkHttps(context, channel.webhook_url, [...context.at.channel(i), 'webhook_url'], { secret: true });
    }
    const url = URL.canParse(channel.smtp_url) ? new URL(channel.smtp_url) : undefined;
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
      return [
        problem(context, 'error', [...context.at.channel(i), 'smtp_url'], 'smtp_url must look like smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465'),
      ];
    }
    return [];
  }),
];

/** Judged from the file's rules as written: a rule with a typo elsewhere still says whom it notifies. */
const channelsAreUsed: Check = (context) =>
  context.config.channels.flatMap((channel, i) =>
    context.declared.notified === 'every channel' || context.declared.notified.has(channel.id)
      ? []
      : [problem(context, 'warning', [...context.at.channel(i), 'id'], `channel "${channel.id}" is not in any rule's notify list`)],
  );

/** The board shows every balance: served beyond this machine, it should ask who is looking. */
const boardIsGuarded: Check = (context) => {
  const { listen, basic, token, authMetrics } = context.config.http;
  const path = ['http', 'listen'];
  if (authMetrics && !basic && !token) return [problem(context, 'error', ['http', 'auth_metrics'], 'auth_metrics: true needs http.auth or http.token to check against')];
  if (listen === false || isLoopbackHost(listen.host)) return [];
  if (basic || token) {
    if (authMetrics) return [];
    return [
      problem(
        context,
        'warning',
        path,
        `http.listen ${listen.host}:${listen.port} guards the board, but /metrics shows every balance to anyone who can reach it; set http.auth_metrics: true (and give Prometheus the token or password), or listen on 127.0.0.1`,
      ),
    ];
  }
  return [
    problem(
      context,
      'warning',
      path,
      `http.listen ${listen.host}:${listen.port} serves the balance board to anyone who can reach it; set http.auth (username and password) or http.token, or listen on 127.0.0.1`,
    ),
  ];
};

/** Action links need both halves: where they point, and the key that signs them. */
const actionsAreComplete: Check = (context) => {
  const { publicUrl } = context.config.http;
  const problems = publicUrl === undefined ? [] : checkHttps(context, publicUrl, ['http', 'public_url'], { secret: false });
  if (context.config.actions || context.actionsDeclared === (publicUrl !== undefined)) return problems;
  const message =
    publicUrl === undefined
      ? 'actions is set, but http.public_url is not: messages carry no action links until it says where people reach the board (e.g. https://balance-watch.internal)'
      : 'http.public_url is set, but actions.secret is not: messages carry no action links until a key signs them (actions: { secret: ${ACTIONS_SECRET} }, 32+ characters)';
  return [...problems, problem(context, 'warning', publicUrl === undefined ? ['actions'] : ['http', 'public_url'], message)];
};

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
  notifyListsReferToChannels,
  targetsFitTheirSource,
  thresholdsAreOrdered,
  thresholdsFitCurrency,
  scheduleIsCron,
  summariesAreCron,
  timezoneIsKnown,
  urlsAreSecure,
  channelsAreUsed,
  thresholdsCanFire,
  actionsAreComplete,
  rulesNotifySomeone,
  boardIsGuarded,
];

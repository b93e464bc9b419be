import { z } from 'zod';
import { channelConfigSchema } from '../notify/index.js';
import { sourceConfigSchema } from '../sources/index.js';
import { stateLocationProblem } from '../store/location.js';
import { timeWindowSchema } from './time-windows.js';
import { amountField, dropField, durationField, urlField, hysteresisField, idField, integerField, nonEmptyText, secretField, textOrNumberField } from './fields.js';

/** Keys whose YAML numbers are read from their source text (see parseYamlTree). */
export const TEXT_NUMBER_KEYS: ReadonlySet<string> = new Set([
  'warn_below',
  'critical_below',
  'recover_above',
  'critical_recover_above',
  'hysteresis',
  'drop_by',
  'account',
  'shop_id',
]);

const channelList = z.array(idField('A channel id'), { error: 'must be a list of channel ids, e.g. [treasury, finance]' });

const notifyField = z
  .union(
    [
      channelList,
      z
        .strictObject({
          warning: channelList.describe('Channels told of warnings.').optional(),
          critical: channelList.describe('Channels told of criticals (default: the warning list).').optional(),
          no_data: channelList.describe('Channels told when balances cannot be read (default: the warning list).').optional(),
          runway: channelList.describe('Channels told of runway forecasts (default: the warning list).').optional(),
          drop: channelList.describe('Channels told of sudden drops (default: the warning list).').optional(),
        })
        .describe('Channels per level; improvements and resolves go to every channel told of the firing.'),
    ],
    { error: 'must be a list of channel ids such as [treasury, finance], or a map by level such as { warning: [treasury], critical: [treasury, finance] }' },
  )
  .describe('Channels (by id) that receive this alert: one list for every event, or a list per level.');

const policyShape = {
  notify: notifyField.optional(),
  hysteresis: hysteresisField(
    'How far above a threshold the balance must climb before the alert resolves: a percentage of the threshold (10%) or an amount (5000).',
  ).optional(),
  for: integerField('Consecutive checks at a worse level before the alert fires (1 = at once).', { min: 1, max: 1000 }).optional(),
  repeat: durationField('Notify again at this interval while still firing; 0 = never.', { allowZero: true }).optional(),
  stale_after: integerField('Consecutive failed fetches before a "no data" alert.', { min: 1, max: 1000 }).optional(),
  runway_window: durationField('How far back the trend for runway projections looks (default 6h); a top-up starts it afresh.').optional(),
  drop_by: dropField(
    'Alert when the balance falls this far below its highest value within drop_within: a percentage (30%) or an amount (50000). A rise of at least this much (a top-up) starts the measure afresh.',
  ).optional(),
  drop_within: durationField('The window drop_by is measured over (default 1h).').optional(),
  escalate: z
    .array(
      z.strictObject({
        after: durationField('How long the alert has been firing (since it left ok) without an acknowledgement, e.g. 30m.'),
        notify: channelList.min(1, 'list at least one channel').describe('Who is told at this step; they also hear the improvement and the resolve.'),
        level: z.literal('critical', { error: 'may only be critical (leave it out for every level)' }).optional().describe('Set to critical to escalate only criticals at this step.'),
      }),
      { error: 'must be a list of steps such as - { after: 30m, notify: [finance] }' },
    )
    .optional()
    .describe('Escalation: each step tells more channels when the alert has fired this long without an acknowledgement; once per episode.'),
  topup_cover: durationField('While the balance falls, messages also say how much covers this long at the current rate (default 24h).').optional(),
};

export const defaultsSchema = z.strictObject(policyShape).describe('Settings every rule inherits unless it sets its own.');

const totalMemberSchema = z
  .strictObject({
    source: idField('The id of the source this member is read from.'),
    payment_system: nonEmptyText('A-Pay: a payment system name, or a glob such as "upi_*" (every match is a member).').optional(),
    account: textOrNumberField("bePaid: an account's name or account number, as declared under the source's accounts.").optional(),
  })
  .describe('One member of a total: an A-Pay payment system (or glob) or a bePaid account.');

export const ruleSchema = z
  .strictObject({
    name: nonEmptyText('Unique name of the rule; it identifies the alert, so renaming a rule starts it afresh.'),
    source: idField('The id of the source whose balances this rule watches (or use total_of).').optional(),
    total_of: z
      .array(totalMemberSchema, { error: 'must be a list of members such as { source: apay, payment_system: "upi_*" }' })
      .min(1, 'list at least one member')
      .optional()
      .describe('Watch the sum of several balances, across sources, as one alert (account "total"); all in one currency. Instead of source.'),
    payment_system: nonEmptyText('A-Pay rules: the payment system name, or a glob such as "upi_*" (each match is its own alert).').optional(),
    account: textOrNumberField("bePaid rules: an account's name or account number, as declared under the source's accounts.").optional(),
    warn_below: amountField('Warn when the balance is below this amount (major units, e.g. 50000 or "1000.50").').optional(),
    critical_below: amountField('Critical when the balance is below this amount; must be below warn_below.').optional(),
    recover_above: amountField('The warning resolves only at or above this amount (default: warn_below + hysteresis).').optional(),
    critical_recover_above: amountField(
      'Critical improves to warning only at or above this amount (default: critical_below + hysteresis).',
    ).optional(),
    runway_below: durationField(
      'Alert when the recent trend predicts the balance below critical_below (or zero) within this time, e.g. 6h.',
    ).optional(),
    ...policyShape,
  })
  .describe('One alert rule: thresholds for one payment system (or glob) or one bePaid account.');

const listenField = z
  .union([z.literal(false), z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port such as 127.0.0.1:9464, or false')])
  .refine((value) => value === false || Number(value.slice(value.lastIndexOf(':') + 1)) <= 65_535, 'the port must be 0 to 65535')
  .describe('Address for the board (/), /api, /metrics, /healthz and /readyz: host:port (port 0 picks a free one), or false to turn it off.');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Editor hint; ignored.'),
    schedule: z
      .string({ error: 'must be a cron expression such as "*/5 * * * *"' })
      .describe('When to check balances: cron with 5 fields, or 6 with seconds first. "*/5 * * * *" = every 5 minutes.'),
    timezone: z.string().optional().describe('IANA time zone for the schedule and times in messages, e.g. Europe/Minsk. Default: the host zone.'),
    state: z
      .string()
      .min(1)
      .superRefine((value, ctx) => {
        const problem = stateLocationProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .prefault('./data/state.db')
      .describe(
        'Where alert state and history are kept: a SQLite file (relative to this file; its folder is created if missing), or a PostgreSQL URL such as postgres://user:${PGPASSWORD}@db:5432/balance_watch for replicas that share it.',
      ),
    history_retention: durationField('How long balance history (and the event log) is kept in the state store; older observations are pruned.').prefault('90d'),
    http: z
      .strictObject({
        listen: listenField.prefault('127.0.0.1:9464'),
        auth: z
          .strictObject({
            username: nonEmptyText('The user name the browser asks for.'),
            password: secretField('Its password (use ${VAR}); compared in constant time.'),
          })
          .optional()
          .describe('Basic authentication for the balance board and its API (/, /api/…); set it when listen is not loopback.'),
        token: secretField('A bearer token for the balance board and its API (Authorization: Bearer …), for scripts; use ${VAR}.').optional(),
        auth_metrics: z.boolean({ error: 'must be true or false' }).prefault(false).describe('Also require auth or token for /metrics, /healthz and /readyz (default false: they stay open for Prometheus and probes).'),
        public_url: urlField(
          "The address people's browsers reach the board at, e.g. https://balance-watch.internal (behind a proxy, the proxy's). With actions.secret, messages carry Acknowledge and Silence links to it.",
        ).optional(),
      })
      .prefault({})
      .describe('The balance board (/), its API (/api/status, /api/history), metrics and health.'),
    sources: z.array(sourceConfigSchema).min(1, 'list at least one source').describe('Where balances come from.'),
    channels: z.array(channelConfigSchema).prefault([]).describe('Where notifications go.'),
    time_windows: z.array(timeWindowSchema).prefault([]).describe('Named time windows that channels may be active_in (office hours, with holidays).'),
    delivery: z
      .strictObject({
        give_up_after: durationField(
          'How long a notification that keeps failing is retried before it is given up on and the rule\'s other channels are told (default 24h).',
        ).prefault('24h'),
      })
      .prefault({})
      .describe('How notifications are delivered.'),
    ha: z
      .strictObject({
        lease: durationField(
          'How long the leader lease lasts without renewal (default 15s). The leader renews it every third of that; after a crash a follower takes over within about two leases. `once` beside a running daemon waits this long, then gives way.',
        ).prefault('15s'),
      })
      .prefault({})
      .describe('Who acts on the state store: only the holder of the leader lease (one of two replicas on PostgreSQL, the one daemon on a SQLite file, or once beside none) fetches and sends.'),
    actions: z
      .strictObject({
        secret: secretField('The key that signs action links (HMAC-SHA256): at least 32 characters, from a variable (${ACTIONS_SECRET}). Changing it invalidates every link sent.').min(
          32,
          'must be at least 32 characters: use a random value, e.g. the output of `openssl rand -base64 32`',
        ),
        silence_choices: z.array(durationField('A silence people can choose from a message.')).min(1).max(4).prefault(['2h']).describe('The "Silence for…" links each firing message carries (default [2h]).'),
        silence_until: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as 09:00')
          .prefault('09:00')
          .describe('The "Silence until tomorrow" link ends the silence at this time of day, in the config timezone (default 09:00).'),
        link_ttl: durationField('How long an action link stays valid after its message was sent (default 7d).').prefault('7d'),
      })
      .optional()
      .describe('Acknowledge and silence an alert from its message: signed, expiring links that open a confirmation page on the board (needs http.public_url).'),
    defaults: defaultsSchema.prefault({}),
    rules: z.array(ruleSchema).min(1, 'list at least one rule').describe('The alert rules.'),
  })
  .describe('balance-watch configuration.');

export type RawConfig = z.output<typeof configSchema>;

import type { Decimal } from '../money/decimal.js';
import type { Diagnostic } from './diagnostic.js';
import type { EscalationStep } from '../rules/escalate.js';
import type { NotifyRoutes, WrittenNotify } from '../rules/routes.js';
import type { TotalMemberSpec } from '../rules/total.js';
import type { TimeWindow } from '../notify/time-window.js';
import type { Hysteresis } from './fields.js';
import type { RawConfig } from './schema.js';

/** One channel's settings: a shape per registered type, each owned by its module (src/notify/<type>.ts). */
export type ChannelConfig = RawConfig['channels'][number];

/** One source's settings: a shape per registered type, each owned by its module (src/sources/<type>.ts). */
export type SourceConfig = RawConfig['sources'][number];

/** A rule with the defaults filled in: everything the evaluator needs, nothing optional that has a default. */
export interface Rule {
  readonly name: string;
  /** The source it watches; a total's own id (see totalSourceId), where its state and history are kept. */
  readonly source: string;
  /** A total: the members as written (for check's positions), resolved against their sources, and their one currency when the config says it. */
  readonly total_of?: readonly { readonly source: string; readonly payment_system?: string; readonly account?: string }[];
  readonly total?: { readonly members: readonly TotalMemberSpec[]; readonly currency?: string };
  /** A-Pay: exact payment system name or glob. */
  readonly payment_system?: string;
  /** bePaid: account name or number. */
  readonly account?: string;
  readonly warn_below?: Decimal;
  readonly critical_below?: Decimal;
  readonly recover_above?: Decimal;
  readonly critical_recover_above?: Decimal;
  /** Every channel the rule may notify (see routes for which event goes where). */
  readonly notify: readonly string[];
  /** The channels of each kind of trouble. */
  readonly routes: NotifyRoutes;
  /** Who else is told of an alert nobody acknowledges, and when; empty for none. */
  readonly escalate: readonly EscalationStep[];
  /** `notify` as the file has it (the rule's or the defaults'), for check's positions. */
  readonly notify_written: WrittenNotify;
  readonly hysteresis: Hysteresis;
  readonly for: number;
  /** Milliseconds; 0 means never repeat. */
  readonly repeat: number;
  readonly stale_after: number;
  /** ms; a runway alert fires when the projected crossing is sooner. */
  readonly runway_below?: number;
  /** ms of history the trend is fitted to. */
  readonly runway_window: number;
  /** When set, a fall this far below the highest balance within drop_within raises a drop alert. */
  readonly drop_by?: Hysteresis;
  /** ms drop_by is measured over. */
  readonly drop_within: number;
  /** ms: while the balance falls, the top-up that covers this long at the current rate is shown too. */
  readonly topup_cover: number;
}

export type HttpListen = { readonly host: string; readonly port: number } | false;

/** Who may read the board and its API (and, with authMetrics, metrics and health). */
export interface HttpAccess {
  readonly basic?: { readonly username: string; readonly password: string };
  readonly token?: string;
  readonly authMetrics: boolean;
}

export interface HttpSettings extends HttpAccess {
  readonly listen: HttpListen;
  /** Where people's browsers reach the board (no trailing slash): action links point there. */
  readonly publicUrl?: string;
}

/** Acknowledge and silence from the message: what the links carry and how long they last. */
export interface ActionSettings {
  /** Signs the links (HMAC-SHA256). A secret: never print it. */
  readonly secret: string;
  /** ms of each "Silence for…" link. */
  readonly silenceChoices: readonly number[];
  /** "HH:MM": the "Silence until tomorrow" link ends then, in the config timezone. */
  readonly silenceUntil: string;
  /** ms a link stays valid after its message. */
  readonly linkTtl: number;
}

export interface Config {
  /** The config file, as given. */
  readonly file: string;
  readonly schedule: string;
  readonly timezone?: string;
  /** Absolute path of the SQLite state store, or a PostgreSQL URL (with its password: never log it, see redactUrl). */
  readonly state: string;
  /** ms of balance history kept in the store. */
  readonly history_retention: number;
  readonly http: HttpSettings;
  readonly sources: readonly SourceConfig[];
  readonly channels: readonly ChannelConfig[];
  /** The named time windows, by name. */
  readonly timeWindows: ReadonlyMap<string, TimeWindow>;
  /** give_up_after in ms: how long a failing notification is retried. */
  readonly delivery: { readonly give_up_after: number };
  /** ha.lease in ms: the leader lease's length. */
  readonly ha: { readonly lease: number };
  /** Set when messages carry action links: both actions.secret and http.public_url are configured. */
  readonly actions?: ActionSettings;
  readonly rules: readonly Rule[];
}

/** What a config load produced: a config only when there are no errors. */
export interface LoadResult {
  readonly config?: Config;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

export const BUILT_IN_DEFAULTS = {
  hysteresis: { kind: 'percent', percent: { units: 10n, scale: 0 } } as Hysteresis,
  for: 1,
  repeat: 4 * 3_600_000,
  stale_after: 3,
  runway_window: 6 * 3_600_000,
  topup_cover: 24 * 3_600_000,
  drop_within: 3_600_000,
} as const;

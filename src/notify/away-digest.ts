import type { Money } from '../money/money.js';
import type { EventKind, Level } from '../rules/alert.js';

/** What a channel outside its time window missed, sent as one message when it opens (see away.ts). */
export interface AwayHappening {
  readonly kind: EventKind;
  readonly level: Level;
  readonly at: number;
  readonly value: Money | null;
}

export interface AwayAlert {
  readonly rule: string;
  readonly account: string;
  readonly target: string;
  readonly happened: readonly AwayHappening[];
  /** Where it stands at the opening: its state label ("critical", "ok"…), whether anything fires, and its balance. */
  readonly now: { readonly label: string; readonly firing: boolean; readonly value: Money | null };
}

export interface AwayDigest {
  readonly kind: 'away';
  readonly channel: string;
  /** When the window closed, and when it opened again. */
  readonly from: number;
  readonly to: number;
  /** The window's zone: people outside it read their own hours. */
  readonly timezone: string;
  readonly alerts: readonly AwayAlert[];
}


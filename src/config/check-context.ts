import type { ConfigPath, Diagnostic } from './diagnostic.js';
import type { Config } from './types.js';
import type { PositionIndex } from './yaml-tree.js';

/** What every cross-field check sees: the config with defaults applied, and where each setting stands. */
export interface CheckContext {
  readonly config: Config;
  readonly positions: PositionIndex;
  /** The escalation steps as the file writes them, of a rule and of defaults (their ids are checked where written). */
  readonly ruleEscalate: (ruleIndex: number) => unknown;
  readonly defaultsEscalate: unknown;
  /** Whether a rule set the key itself (so that a problem is reported where it was written). */
  readonly ruleSets: (ruleIndex: number, key: string) => boolean;
  /** Where the i-th source, channel or rule of `config` stands in the file (invalid ones are left out of `config`). */
  readonly at: { readonly source: (i: number) => ConfigPath; readonly channel: (i: number) => ConfigPath; readonly rule: (i: number) => ConfigPath };
  /** Every time window's name as written, by its index in the file. */
  readonly windowNames: readonly string[];
  /** Whether the file has an `actions:` section (valid or not). */
  readonly actionsDeclared: boolean;
  /** Every id the file declares, valid or not, so a reference to a broken source is not reported twice. */
  readonly declared: {
    readonly sources: ReadonlySet<string>;
    readonly channels: ReadonlySet<string>;
    /** Time window names, valid or not. */
    readonly windows: ReadonlySet<string>;
    /** Channel ids some rule of the file notifies, valid or not (every channel when a rule takes the default of all). */
    readonly notified: ReadonlySet<string> | 'every channel';
  };
}

export type Check = (context: CheckContext) => Diagnostic[];

export const problem = (context: CheckContext, severity: Diagnostic['severity'], path: ConfigPath, message: string): Diagnostic => ({
  severity,
  message,
  position: context.positions.valueAt(path),
});

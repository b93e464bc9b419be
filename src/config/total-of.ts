import { catalogOf } from '../sources/index.js';
import type { TotalMemberSpec } from '../rules/total.js';
import type { Rule, SourceConfig } from './types.js';

type WrittenMember = NonNullable<Rule['total_of']>[number];

/** What the config says of one member of a total: its coverage in its source, and its currency when the config gives it. */
export interface ResolvedMember {
  /** The member as people wrote it, for messages: "apay/upi_*". */
  readonly label: string;
  readonly spec: TotalMemberSpec;
  /** Absent: the source is not declared (check reports it). */
  readonly source?: SourceConfig;
  /** The currency each of its accounts is declared in; absent where the config does not say. */
  readonly currencies: readonly (string | undefined)[];
}

/** A total's members, resolved against the sources, each with the currencies the config gives it. */
export function resolveMembers(rule: string, written: readonly WrittenMember[], sources: readonly SourceConfig[]): ResolvedMember[] {
  return written.map((member) => {
    const source = sources.find((s) => s.id === member.source);
    const label = `${member.source}/${member.payment_system ?? member.account ?? '?'}`;
    if (!source) return { label, spec: { source: member.source, coverage: { kind: 'fixed', accounts: [] } }, currencies: [] };
    const catalog = catalogOf(source);
    const target = { name: rule, ...member };
    const coverage = catalog.covers(source, target);
    // A glob's currency is what the source's config gives for the glob itself (a `currencies` entry for "upi_*", or one for "*").
    const accounts = coverage.kind === 'fixed' ? coverage.accounts : [coverage.pattern];
    return { label, spec: { source: member.source, coverage }, source, currencies: accounts.map((account) => catalog.currencyOf(source, target, account)) };
  });
}

/** The one currency every member is declared in; undefined when one is not known or they differ (check says which). */
export function totalCurrency(members: readonly ResolvedMember[]): string | undefined {
  const found = new Set<string | undefined>(members.flatMap((m) => (m.currencies.length === 0 ? [undefined] : m.currencies)));
  if (found.size !== 1) return undefined;
  return [...found][0];
}

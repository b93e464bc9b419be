import { catalogOf } from '../sources/index.js';
import { type Check, problem } from './check-context.js';
import type { Diagnostic } from './diagnostic.js';
import { resolveMembers } from './total-of.js';

/**
 * A rule watches one balance (`source`) or a sum (`total_of`), never both; a
 * total's members name declared sources, fit them, and are all in one currency
 * the config states, since a sum of INR and USD means nothing.
 */
export const totalsAreWellFormed: Check = (context) =>
  context.config.rules.flatMap((rule, i): Diagnostic[] => {
    const at = context.at.rule(i);
    const written = rule.total_of;
    if (written === undefined) {
      if (context.ruleSets(i, 'source')) return [];
      return [problem(context, 'error', at, `rule "${rule.name}" needs source (the source of one balance) or total_of (a list of members to add up)`)];
    }
    if (context.ruleSets(i, 'source')) {
      return [problem(context, 'error', [...at, 'source'], `rule "${rule.name}": set source (one balance) or total_of (a sum), not both; each member of total_of names its own source`)];
    }
    const found: Diagnostic[] = [];
    for (const key of ['payment_system', 'account'] as const) {
      if (context.ruleSets(i, key)) found.push(problem(context, 'error', [...at, key], `rule "${rule.name}" is a total: name the ${key} in each member of total_of, not on the rule`));
    }
    const members = resolveMembers(rule.name, written, context.config.sources);
    const ids = [...context.declared.sources].join(', ');
    let first: { readonly label: string; readonly currency: string } | undefined;
    members.forEach((member, j) => {
      const memberAt = [...at, 'total_of', j];
      if (!context.declared.sources.has(member.spec.source)) {
        found.push(problem(context, 'error', [...memberAt, 'source'], `rule "${rule.name}": no source has id "${member.spec.source}" (sources: ${ids})`));
        return;
      }
      const source = member.source;
      if (!source) return;
      const problems = catalogOf(source).ruleProblems(source, { name: rule.name, ...written[j] });
      for (const p of problems) found.push(problem(context, p.severity, [...memberAt, ...(p.at ?? [])], p.message.replace(`rule "${rule.name}"`, `rule "${rule.name}", member ${member.label}`)));
      if (problems.some((p) => p.severity === 'error')) return;
      const currencies = new Set(member.currencies);
      if (currencies.has(undefined) || currencies.size === 0) {
        found.push(
          problem(
            context,
            'error',
            memberAt,
            `rule "${rule.name}": the currency of ${member.label} is not in the config, and a total must know it: give it in source ${source.id} (for A-Pay a currencies entry such as "${written[j]!.payment_system ?? '*'}": INR; for bePaid the account's currency)`,
          ),
        );
        return;
      }
      if (currencies.size > 1) {
        found.push(problem(context, 'error', memberAt, `rule "${rule.name}": ${member.label} covers accounts in ${[...currencies].join(' and ')}; a total adds balances of one currency`));
        return;
      }
      const currency = [...currencies][0]!;
      if (!first) first = { label: member.label, currency };
      else if (first.currency !== currency) {
        found.push(problem(context, 'error', memberAt, `rule "${rule.name}": ${member.label} is in ${currency}, but ${first.label} is in ${first.currency}; a total adds balances of one currency (make a total per currency)`));
      }
    });
    return found;
  });

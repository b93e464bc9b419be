import { type Decimal, formatDecimal } from '../money/decimal.js';
import { formatMoney } from '../money/money.js';
import type { Headroom } from '../rules/headroom.js';
import type { Thresholds } from '../rules/thresholds.js';

/** "warning below 50,000.00 BDT (clears at 55,000.00)", and the critical part, each on its own: the board colours them. */
export function levelParts(t: Thresholds, currency: string | null): { readonly warning?: string; readonly critical?: string } {
  const part = (name: string, below: Decimal | undefined, clears: Decimal | undefined) =>
    below === undefined ? undefined : `${name} below ${formatMoney({ amount: below, currency })}${clears ? ` (clears at ${formatDecimal(clears)})` : ''}`;
  const warning = part('warning', t.warn, t.warnRecover);
  const critical = part('critical', t.critical, t.criticalRecover);
  return { ...(warning ? { warning } : {}), ...(critical ? { critical } : {}) };
}

/** "warning below 50,000.00 BDT (clears at 55,000.00) · critical below 10,000.00 BDT (clears at 11,000.00)". */
export function levelsText(t: Thresholds, currency: string | null): string {
  const { warning, critical } = levelParts(t, currency);
  return [warning, critical].filter(Boolean).join(' · ') || 'no levels';
}

/** "18 % above warning", "12 % below critical"; under one percent says so rather than "0 %". */
export function headroomText(h: Headroom): string {
  const percent = h.percent === null ? '' : h.percent === 0 && h.amount.units !== 0n ? '<1 % ' : `${h.percent} % `;
  return `${percent}${h.side} ${h.level}`;
}

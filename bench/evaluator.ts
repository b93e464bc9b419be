import type { Money } from '../src/money/money.js';
import type { AlertState, RulePolicy } from '../src/rules/alert.js';
import { evaluate } from '../src/rules/evaluate.js';

/** 100,000 observations through the pure evaluator: a balance wandering across both thresholds. */
export function benchEvaluator(count = 100_000): { observations: number; usPerObservation: number } {
  const d = (units: bigint) => ({ units, scale: 2 });
  const policy: RulePolicy = {
    name: 'bench',
    source: 'apay',
    target: 'bkash_a',
    thresholds: { warn: d(5_000_000n), warnRecover: d(5_500_000n), critical: d(1_000_000n), criticalRecover: d(1_100_000n) },
    for: 2,
    repeat: 4 * 3_600_000,
    staleAfter: 3,
  };
  const values: Money[] = Array.from({ length: 1000 }, (_, i) => ({ amount: d(BigInt(Math.round(3_000_000 + 2_900_000 * Math.sin(i / 17)))), currency: 'BDT' }));
  let state: AlertState | undefined;
  // Warm up the JIT so that the figure is the steady state.
  for (let i = 0; i < 10_000; i += 1) state = evaluate(policy, 'bkash_a', state, { kind: 'value', value: values[i % values.length]! }, i * 300_000).state;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const observation = i % 97 === 0 ? ({ kind: 'failure', reason: 'timeout' } as const) : ({ kind: 'value', value: values[i % values.length]! } as const);
    state = evaluate(policy, 'bkash_a', state, observation, i * 300_000).state;
  }
  const elapsedUs = Number(process.hrtime.bigint() - start) / 1000;
  return { observations: count, usPerObservation: elapsedUs / count };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartData } from '../../src/board/chart-data.js';
import { downsample } from '../../src/board/downsample.js';
import { parseConfigText } from '../../src/config/load.js';
import { initialState } from '../../src/rules/alert.js';
import type { LoggedEvent, Observed, StoredAlert } from '../../src/store/store.js';
import { bdt, T0 } from '../helpers/events.js';

const MIN = 60_000;
const at = (minutes: number, units: bigint): Observed => ({ at: T0 + minutes * MIN, value: bdt(units) });

describe('downsampling a balance for a chart', () => {
  it('keeps the lowest and highest balance of each bucket, exact, so a dip is never smoothed away', () => {
    const buckets = downsample([at(0, 8_000_000n), at(1, 1_000n), at(2, 8_000_000n), at(10, 7_000_000n)], { from: T0, to: T0 + 20 * MIN, points: 2, holdMs: 30 * MIN, scale: 2 });
    expect(buckets).toEqual({
      t: [T0 / 1000, (T0 + 10 * MIN) / 1000, (T0 + 20 * MIN) / 1000],
      min: ['10.00', '70000.00', '70000.00'],
      max: ['80000.00', '80000.00', '70000.00'],
    });
  });

  it('carries the reading from before the range into its first bucket, and draws a steady balance to now', () => {
    const buckets = downsample([at(-3, 500n)], { from: T0, to: T0 + 4 * MIN, points: 4, holdMs: 10 * MIN, scale: 2 });
    expect(buckets.min).toEqual(['5.00', '5.00', '5.00', '5.00', '5.00']);
    expect(buckets.t.at(-1)).toBe((T0 + 4 * MIN) / 1000);
  });

  it('leaves a gap where no reading holds: before the history, and after a reading too old to stand', () => {
    const buckets = downsample([at(12, 100n)], { from: T0, to: T0 + 40 * MIN, points: 4, holdMs: 10 * MIN });
    expect(buckets.min).toEqual([null, '1.00', '1.00', null, null]);
  });

  it('cuts a history a few seconds old into buckets of at least a second, each its own time', () => {
    const buckets = downsample([{ at: T0, value: bdt(100n) }], { from: T0, to: T0 + 3_500, points: 500, holdMs: MIN });
    expect(buckets.t).toEqual([T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2, Math.round((T0 + 3_500) / 1000)]);
    expect(downsample([{ at: T0, value: bdt(100n) }], { from: T0, to: T0, points: 500, holdMs: MIN }).t).toHaveLength(2);
  });

  it('pads amounts to the currency\'s minor digits without changing them', () => {
    expect(downsample([{ at: T0, value: { amount: { units: 8n, scale: 0 }, currency: 'BDT' } }], { from: T0, to: T0 + MIN, points: 1, holdMs: MIN, scale: 2 }).max).toEqual(['8.00', '8.00']);
  });

  it('never lets a bucket miss the lowest reading in it, for any series', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.bigInt({ min: -10_000n, max: 10_000n }), { minLength: 200, maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        (minutes, values, points) => {
          const series = [...minutes].sort((a, b) => a - b).map((m, i) => at(m, values[i]!));
          const buckets = downsample(series, { from: T0, to: T0 + 1_000 * MIN, points, holdMs: 1_000 * MIN, scale: 2 });
          expect(buckets.t).toHaveLength(points + 1);
          const lowest = series.reduce((low, o) => (o.value.amount.units < low ? o.value.amount.units : low), series[0]!.value.amount.units);
          const shown = buckets.min.filter((v): v is string => v !== null).map((v) => BigInt(v.replace('.', '')));
          expect(shown.reduce((low, v) => (v < low ? v : low))).toBe(lowest);
        },
      ),
    );
  });
});

describe("an alert's chart data", () => {
  const parsed = parseConfigText(
    `schedule: "*/5 * * * *"
sources:
  - { id: apay, type: apay, base_url: "https://apay.example.com", project_id: 1, api_key: k, currencies: { "*": BDT } }
rules:
  - { name: bKash, source: apay, payment_system: "bkash_*", warn_below: 50000, critical_below: 10000 }
`,
    { file: 'config.yaml', env: {} },
  );
  const config = parsed.config!;
  const alert: StoredAlert = { rule: 'bKash', account: 'bkash_a', source: 'apay', state: { ...initialState(T0), lastValue: bdt(4_000_000n) }, updatedAt: T0 };
  const history = [at(-5, 6_000_000n), at(30, 4_000_000n), at(50, 6_000_000n)];
  const store = { history: async (_source: string, _account: string, since: number) => history.filter((o) => o.at >= since) };
  const events: LoggedEvent[] = [
    { source: 'apay', rule: 'bKash', account: 'bkash_a', kind: 'firing', level: 'warning', at: T0 + 30 * MIN, value: bdt(4_000_000n) },
    { source: 'apay', rule: 'bKash', account: 'bkash_a', kind: 'resolved', level: 'ok', at: T0 + 50 * MIN, value: bdt(6_000_000n) },
    { source: 'apay', rule: 'bKash', account: 'other', kind: 'firing', level: 'critical', at: T0 + 40 * MIN, value: null },
    { source: 'apay', rule: 'bKash', account: 'bkash_a', kind: 'repeat', level: 'warning', at: T0 + 40 * MIN, value: null },
  ];

  it('has its levels in its currency, its buckets from the reading that stood at the start, gaps where none holds, and only its own fired and resolved marks', async () => {
    const data = await chartData(store, config, alert, events, { from: T0, to: T0 + 60 * MIN, points: 6, intervalMs: 60_000 });
    expect(data.currency).toBe('BDT');
    expect(data.levels).toEqual({ warn_below: '50000.00', warn_clears_at: '55000.00', critical_below: '10000.00', critical_clears_at: '11000.00' });
    // A reading holds 10 minutes here (two heartbeats): the quiet 20 minutes after the first are a gap, not a line.
    expect(data.buckets.min).toEqual(['60000.00', null, null, '40000.00', '40000.00', '60000.00', '60000.00']);
    expect(data.marks).toEqual([
      { at: (T0 + 30 * MIN) / 1000, kind: 'firing', level: 'warning', balance: '40000.00' },
      { at: (T0 + 50 * MIN) / 1000, kind: 'resolved', level: 'ok', balance: '60000.00' },
    ]);
  });

  it('draws a history younger than the range over the time it has', async () => {
    const young = { history: async () => [at(30, 4_000_000n)] };
    const data = await chartData(young, config, alert, [], { from: T0 - 86_400_000, to: T0 + 35 * MIN, points: 3, intervalMs: 60_000 });
    expect(data.buckets.t[0]).toBe((T0 + 30 * MIN) / 1000);
    expect(data.buckets.min.at(-1)).toBe('40000.00');
  });

  it('stays under 50 KB for 30 days of one account at the widest chart the board asks for', async () => {
    const month = Array.from({ length: 8_640 }, (_, i) => at(i * 5, 6_000_000n + BigInt((i * 7919) % 400_000) * 100n));
    const busy = { history: async () => month };
    const data = await chartData(busy, config, alert, [], { from: T0, to: T0 + 30 * 86_400_000, points: 1_000, intervalMs: 300_000 });
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThan(50_000);
  });
});

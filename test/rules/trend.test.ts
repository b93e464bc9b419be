import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitLine, isTopUp, type Point, project, sparkline, trendPoints } from '../../src/rules/trend.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-21T12:00:00Z');
const TEN_K = { units: 10_000n, scale: 0 };

/** `values` observed every 5 minutes, the last one now. */
const series = (values: readonly number[]): Point[] => values.map((value, i) => ({ at: NOW - (values.length - 1 - i) * 5 * MIN, value }));
const linear = (start: number, perStep: number, steps: number) => Array.from({ length: steps }, (_, i) => start + perStep * i);

describe('project', () => {
  it('a linear fall crosses when the line says', () => {
    // 60,000 falling 1,000 every 5 minutes: 10,000 is 50 steps (250 min) after the start, 39 steps after now.
    const projection = project(series(linear(60_000, -1_000, 12)), TEN_K, NOW, 6 * HOUR);
    expect(projection?.msToTarget).toBeCloseTo(39 * 5 * MIN, -3);
    expect(projection?.slopePerHour).toBeCloseTo(-12_000, 3);
  });

  it('a noisy fall still projects close to the underlying line', () => {
    const noise = [300, -250, 120, -400, 380, -90, 200, -310, 50, 260, -180, 0];
    const projection = project(series(linear(60_000, -1_000, 12).map((v, i) => v + noise[i]!)), TEN_K, NOW, 6 * HOUR);
    expect(projection?.msToTarget).toBeGreaterThan(30 * 5 * MIN);
    expect(projection?.msToTarget).toBeLessThan(48 * 5 * MIN);
  });

  it('a sawtooth with top-ups uses only the fall since the last top-up', () => {
    const values = [...linear(50_000, -5_000, 6), ...linear(100_000, -1_000, 6)];
    expect(trendPoints(series(values), NOW, 6 * HOUR)).toHaveLength(6);
    // Since the top-up: 100,000 falling 1,000 per step, now at 95,000: 85 steps to 10,000.
    expect(project(series(values), TEN_K, NOW, 6 * HOUR)?.msToTarget).toBeCloseTo(85 * 5 * MIN, -3);
  });

  it('says nothing for a flat or rising balance', () => {
    expect(project(series(Array(12).fill(50_000)), TEN_K, NOW, 6 * HOUR)?.msToTarget).toBeUndefined();
    expect(project(series(linear(50_000, 100, 12)), TEN_K, NOW, 6 * HOUR)?.msToTarget).toBeUndefined();
  });

  it('needs at least 5 observations in the window', () => {
    expect(project(series(linear(60_000, -1_000, 4)), TEN_K, NOW, 6 * HOUR)).toBeUndefined();
    expect(project(series(linear(60_000, -1_000, 12)), TEN_K, NOW, 20 * MIN)).toBeUndefined();
  });

  it('is zero once the line is already below the target', () => {
    expect(project(series(linear(12_000, -1_000, 6)), TEN_K, NOW, 6 * HOUR)?.msToTarget).toBe(0);
  });

  it('a fall always projects a finite, non-negative time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20_000, max: 10_000_000 }), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 5, max: 60 }), (start, drop, steps) => {
        const p = project(series(linear(start, -drop, steps)), TEN_K, NOW, 24 * HOUR);
        return p !== undefined && p.msToTarget !== undefined && Number.isFinite(p.msToTarget) && p.msToTarget >= 0;
      }),
    );
  });
});

describe('helpers', () => {
  it('tells a top-up from noise', () => {
    expect(isTopUp(100_000, 101_000)).toBe(false);
    expect(isTopUp(100_000, 103_000)).toBe(true);
    expect(isTopUp(100_000, 90_000)).toBe(false);
  });

  it('fits a line exactly through exact points', () => {
    expect(fitLine(series([10, 20, 30]), NOW)).toEqual({ valueNow: 30, slopePerMs: 10 / (5 * MIN) });
  });

  it('draws a sparkline', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([])).toBe('');
  });
});

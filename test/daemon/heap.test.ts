import { describe, expect, it } from 'vitest';
import { heapFlag, REPLAY_HEAP_GROWING_PERCENT } from '../../src/daemon/heap.js';

describe('the heap setting of run and backtest', () => {
  it.each([
    [[], '--heap-growing-percent=30'],
    [['--max-semi-space-size=2'], '--heap-growing-percent=30'],
    [['--heap-growing-percent=100'], undefined],
    [['--heap_growing_percent=50'], undefined],
  ])('with node started as %j: %s', (execArgv, flag) => {
    expect(heapFlag(execArgv)).toBe(flag);
  });

  it("backtest's own percentage, unless the operator set one", () => {
    expect(heapFlag([], REPLAY_HEAP_GROWING_PERCENT)).toBe(`--heap-growing-percent=${REPLAY_HEAP_GROWING_PERCENT}`);
    expect(heapFlag(['--heap-growing-percent=50'], REPLAY_HEAP_GROWING_PERCENT)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { daemonHeapFlag } from '../../src/daemon/heap.js';

describe('the daemon heap setting', () => {
  it.each([
    [[], '--heap-growing-percent=30'],
    [['--max-semi-space-size=2'], '--heap-growing-percent=30'],
    [['--heap-growing-percent=100'], undefined],
    [['--heap_growing_percent=50'], undefined],
  ])('with node started as %j: %s', (execArgv, flag) => {
    expect(daemonHeapFlag(execArgv)).toBe(flag);
  });
});

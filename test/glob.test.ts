import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { isGlob, nameMatcher } from '../src/glob.js';

describe('name patterns', () => {
  it.each([
    ['upi_*', 'upi_fast', true],
    ['upi_*', 'upi_', true],
    ['upi_*', 'UPI_fast', false],
    ['upi_*', 'x_upi_fast', false],
    ['*', '.hidden', true],
    ['bkash_?', 'bkash_a', true],
    ['bkash_?', 'bkash_ab', false],
    ['{upi,imps}_*', 'imps_1', true],
    ['bkash_[ab]', 'bkash_c', false],
    ['bkash_a', 'bkash_a', true],
    ['bkash_a', 'bkash_ab', false],
    // As the README says: * stops at a slash; a pattern crosses one with its own /.
    ['upi_*', 'upi_fast/2', false],
    ['upi_**', 'upi_fast/2', false],
    ['upi_*/*', 'upi_fast/2', true],
    ['upi_*/**', 'upi_fast/2/b', true],
  ])('%s against %s: %s', (pattern, name, expected) => {
    expect(nameMatcher(pattern)(name)).toBe(expected);
  });

  it('tells globs from exact names', () => {
    expect([isGlob('upi_*'), isGlob('bkash_a'), isGlob('{a,b}')]).toEqual([true, false, true]);
  });

  it('agrees with picomatch itself on any name', () => {
    const name = fc.stringMatching(/^[a-z_.\-/ 0-9A-Z]{0,12}$/);
    fc.assert(
      fc.property(fc.constantFrom('upi_*', '*_a', 'b?ash*', '{upi,imps}_*', 'x[0-9]*', '*'), name, (pattern, candidate) =>
        nameMatcher(pattern)(candidate) === picomatch(pattern, { dot: true })(candidate),
      ),
      { numRuns: 2_000 },
    );
  });
});

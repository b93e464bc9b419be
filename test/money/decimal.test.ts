import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDecimal,
  compareDecimal,
  decimalToNumber,
  decimalToString,
  formatDecimal,
  parseDecimal,
  percentOf,
  rescale,
  subtractDecimal,
} from '../../src/money/decimal.js';

const parse = (text: string) => {
  const result = parseDecimal(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe('parseDecimal', () => {
  it.each([
    ['0', 0n, 0],
    ['1000', 1000n, 0],
    ['1000.50', 100050n, 2],
    ['-12.5', -125n, 1],
    ['+7', 7n, 0],
    ['0.005', 5n, 3],
    ['  42  ', 42n, 0],
    ['12900921.62', 1290092162n, 2],
    ['0.1', 1n, 1],
  ])('reads %j exactly', (text, units, scale) => {
    expect(parseDecimal(text)).toEqual({ ok: true, value: { units, scale } });
  });

  it.each(['', 'abc', '1,000', '1e3', '1.', '.5', '0x10', 'NaN', 'Infinity', '1 000', '--1', '1.2.3'])('refuses %j with a hint', (text) => {
    const result = parseDecimal(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/plain decimal|digits/);
  });

  it('refuses absurdly long numbers', () => {
    expect(parseDecimal('1'.repeat(41)).ok).toBe(false);
  });
});

describe('formatDecimal', () => {
  it.each([
    [{ units: 1290092162n, scale: 2 }, '12,900,921.62'],
    [{ units: 5n, scale: 2 }, '0.05'],
    [{ units: -123456n, scale: 2 }, '-1,234.56'],
    [{ units: 999n, scale: 0 }, '999'],
    [{ units: 1000n, scale: 0 }, '1,000'],
    [{ units: 1000000n, scale: 3 }, '1,000.000'],
    [{ units: 0n, scale: 2 }, '0.00'],
  ])('%o is %s', (value, text) => {
    expect(formatDecimal(value)).toBe(text);
  });

  it('has an ungrouped form for machines', () => {
    expect(decimalToString({ units: -1234550n, scale: 3 })).toBe('-1234.550');
  });
});

describe('arithmetic', () => {
  it('compares across scales exactly', () => {
    expect(compareDecimal(parse('0.1'), parse('0.10'))).toBe(0);
    expect(compareDecimal(parse('0.3'), addDecimal(parse('0.1'), parse('0.2')))).toBe(0);
    expect(compareDecimal(parse('9999.99'), parse('10000'))).toBe(-1);
    expect(compareDecimal(parse('-1'), parse('-2'))).toBe(1);
  });

  it('rescales only when no digit is lost', () => {
    expect(rescale(parse('1000.00'), 0)).toEqual({ ok: true, value: { units: 1000n, scale: 0 } });
    expect(rescale(parse('12.5'), 2)).toEqual({ ok: true, value: { units: 1250n, scale: 2 } });
    expect(rescale(parse('1.005'), 2)).toEqual({ ok: false, error: { needed: 3 } });
  });

  it('takes percentages exactly, or rounded up to a given scale', () => {
    expect(percentOf(parse('10000'), parse('10'))).toEqual({ units: 100000n, scale: 2 });
    expect(compareDecimal(percentOf(parse('10000'), parse('10')), parse('1000'))).toBe(0);
    expect(percentOf(parse('50000.00'), parse('10'), 2)).toEqual({ units: 500000n, scale: 2 });
    expect(percentOf(parse('0.05'), parse('10'), 2)).toEqual({ units: 1n, scale: 2 });
    expect(percentOf(parse('333.33'), parse('12.5'), 2)).toEqual({ units: 4167n, scale: 2 });
  });

  it('subtracts', () => {
    expect(decimalToString(subtractDecimal(parse('100'), parse('0.01')))).toBe('99.99');
  });
});

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 6 }))
  .map(([negative, units, scale]) => decimalToString({ units: negative && units !== 0n ? -units : units, scale }));

describe('properties', () => {
  it('parse and format round-trip', () => {
    fc.assert(fc.property(decimalText, (text) => decimalToString(parse(text)) === text));
  });

  it('grouped formatting only adds commas', () => {
    fc.assert(fc.property(decimalText, (text) => formatDecimal(parse(text)).replaceAll(',', '') === text));
  });

  it('comparison agrees with the order of the rational values', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const x = parse(a);
        const y = parse(b);
        // Cross-multiplying compares the fractions without any rounding.
        const left = x.units * 10n ** BigInt(y.scale);
        const right = y.units * 10n ** BigInt(x.scale);
        const expected = left < right ? -1 : left > right ? 1 : 0;
        return compareDecimal(x, y) === expected && compareDecimal(y, x) === -expected;
      }),
    );
  });

  it('reads any text exactly as the grammar says: sign, digits, then a point and digits', () => {
    // The grammar written as a regular expression, which the hand-written scanner must agree with.
    const grammar = /^([+-]?)(\d+)(?:\.(\d+))?$/;
    const text = fc.oneof(
      fc.stringMatching(/^[ +\-.0-9a]{0,24}$/),
      decimalText,
      fc.bigInt({ min: 0n, max: 10n ** 45n }).map(String),
    );
    fc.assert(
      fc.property(text, (input) => {
        const match = grammar.exec(input.trim());
        const result = parseDecimal(input);
        if (!match) return !result.ok;
        const [, sign, whole = '', fraction = ''] = match;
        if (whole.length + fraction.length > 40) return !result.ok;
        const magnitude = BigInt(whole + fraction);
        return result.ok && result.value.units === (sign === '-' ? -magnitude : magnitude) && result.value.scale === fraction.length;
      }),
      { numRuns: 2_000 },
    );
  });

  it('converts to the same double as parsing its text would', () => {
    const wide = fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 30 })).map(([units, scale]) => ({ units, scale }));
    fc.assert(
      fc.property(fc.oneof(decimalText.map(parse), wide), (d) => Object.is(decimalToNumber(d), Number(decimalToString(d)))),
      { numRuns: 2_000 },
    );
  });

  it('a + b - b = a', () => {
    fc.assert(fc.property(decimalText, decimalText, (a, b) => compareDecimal(subtractDecimal(addDecimal(parse(a), parse(b)), parse(b)), parse(a)) === 0));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchPacker, BatchUnpacker, type ObservationBatch, type ObservationTuple } from '../../src/store/sqlite/observation-batch.js';

const rowsThrough = (rows: readonly ObservationTuple[], size: number) => {
  const packer = new BatchPacker(size);
  const batches: ObservationBatch[] = [];
  for (const row of rows) {
    const full = packer.add(row);
    if (full) batches.push(full);
  }
  const rest = packer.flush();
  if (rest) batches.push(rest);
  // Through structuredClone, as postMessage hands them over.
  const unpacker = new BatchUnpacker();
  return { batches, read: batches.flatMap((b) => unpacker.unpack(structuredClone(b))) };
};

const tuple = fc.tuple(
  fc.constantFrom('apay', 'bepaid'),
  fc.constantFrom('upi_a', 'upi_b', 'ü-acct', '42'),
  fc.integer({ min: 0, max: 2 ** 50 }),
  fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: -1000n, max: 1000n })).map(String),
  fc.integer({ min: 0, max: 300 }),
  fc.constantFrom('INR', 'BDT', null),
) as fc.Arbitrary<ObservationTuple>;

describe('observation batches between the reading thread and the replay', () => {
  it('hand over every row as it was stored, whatever the batch size', () => {
    fc.assert(
      fc.property(fc.array(tuple, { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (rows, size) => {
        const { read } = rowsThrough(rows, size);
        expect(read.map((o) => [o.source, o.account, o.at, o.value.amount.units.toString(), o.value.amount.scale, o.value.currency])).toEqual(rows);
      }),
    );
  });

  it('name an account and a currency once, in the batch that first has them', () => {
    const { batches } = rowsThrough(
      [
        ['apay', 'a', 1, '10', 2, 'INR'],
        ['apay', 'b', 1, '20', 2, 'INR'],
        ['apay', 'a', 2, '11', 2, 'BDT'],
        ['bepaid', 'a', 2, '5', 2, null],
      ],
      2,
    );
    expect(batches.map((b) => [b.newAccounts, b.newCurrencies])).toEqual([
      [[['apay', 'a'], ['apay', 'b']], ['INR']],
      [[['bepaid', 'a']], ['BDT']],
    ]);
  });

  it('keep units beyond 64 bits and scales beyond a byte exact', () => {
    const huge = (2n ** 64n + 7n).toString();
    const { batches, read } = rowsThrough([['apay', 'a', 1, huge, 2, 'INR'], ['apay', 'a', 2, '-5', 400, 'INR']], 10);
    expect(batches[0]!.wide.map(([row]) => row)).toEqual([0, 1]);
    expect(read.map((o) => o.value.amount)).toEqual([{ units: 2n ** 64n + 7n, scale: 2 }, { units: -5n, scale: 400 }]);
  });

  it("hand an account's unchanged balance over as the same Money, and a changed one as a new one", () => {
    const { read } = rowsThrough([['apay', 'a', 1, '10', 2, 'INR'], ['apay', 'b', 1, '10', 2, 'INR'], ['apay', 'a', 2, '10', 2, 'INR'], ['apay', 'a', 3, '10', 2, 'BDT']], 2);
    expect(read[2]!.value).toBe(read[0]!.value);
    expect(read[1]!.value).not.toBe(read[0]!.value);
    expect(read[3]!.value).not.toBe(read[2]!.value);
  });
});

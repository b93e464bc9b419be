import type { Money } from '../../money/money.js';
import type { SourcedObservation } from '../store.js';

/*
 * Observations as columns, for handing a batch from the reading thread to the
 * replay without a string or a bigint to parse per row on the receiving side:
 * accounts and currencies are numbered once (their names travel the first time
 * they appear), times, units and scales are typed arrays that move, not copy.
 */

/** One stored row as SQLite steps it, raw: source, account, at, units (decimal text), scale, currency. */
export type ObservationTuple = readonly [string, string, number, string, number, string | null];

export interface ObservationBatch {
  readonly count: number;
  /** Accounts first seen in this batch, numbered on from those before: [source, account]. */
  readonly newAccounts: readonly (readonly [string, string])[];
  /** Currencies first seen in this batch, numbered on from 1 (0 is "none"). */
  readonly newCurrencies: readonly string[];
  readonly account: Uint32Array;
  readonly at: Float64Array;
  readonly units: BigInt64Array;
  readonly scale: Uint8Array;
  readonly currency: Uint16Array;
  /** Rows whose units do not fit 64 bits (or whose scale does not fit a byte): by row, as stored. */
  readonly wide: readonly (readonly [row: number, units: string, scale: number])[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Packs rows into batches of `size`; one packer per stream, since it numbers what it has seen. */
export class BatchPacker {
  private readonly accounts = new Map<string, Map<string, number>>();
  private accountCount = 0;
  private readonly currencies = new Map<string, number>();
  private newAccounts: [string, string][] = [];
  private newCurrencies: string[] = [];
  private wide: [number, string, number][] = [];
  private rows = 0;
  private columns: { account: Uint32Array; at: Float64Array; units: BigInt64Array; scale: Uint8Array; currency: Uint16Array };

  constructor(private readonly size: number) {
    this.columns = this.fresh();
  }

  /** Adds a row; returns the batch when it is full. */
  add([source, account, at, units, scale, currency]: ObservationTuple): ObservationBatch | undefined {
    const row = this.rows;
    const c = this.columns;
    c.account[row] = this.accountId(source, account);
    c.at[row] = at;
    const value = BigInt(units);
    if (value >= INT64_MIN && value <= INT64_MAX && scale >= 0 && scale <= 255) {
      c.units[row] = value;
      c.scale[row] = scale;
    } else this.wide.push([row, units, scale]);
    c.currency[row] = currency === null ? 0 : this.currencyId(currency);
    this.rows += 1;
    return this.rows === this.size ? this.take() : undefined;
  }

  /** The rows added since the last batch, if any. */
  flush(): ObservationBatch | undefined {
    return this.rows > 0 ? this.take() : undefined;
  }

  private take(): ObservationBatch {
    const count = this.rows;
    const c = this.columns;
    const batch: ObservationBatch = {
      count,
      newAccounts: this.newAccounts,
      newCurrencies: this.newCurrencies,
      account: c.account.subarray(0, count),
      at: c.at.subarray(0, count),
      units: c.units.subarray(0, count),
      scale: c.scale.subarray(0, count),
      currency: c.currency.subarray(0, count),
      wide: this.wide,
    };
    this.columns = this.fresh();
    this.newAccounts = [];
    this.newCurrencies = [];
    this.wide = [];
    this.rows = 0;
    return batch;
  }

  private fresh() {
    const n = this.size;
    return { account: new Uint32Array(n), at: new Float64Array(n), units: new BigInt64Array(n), scale: new Uint8Array(n), currency: new Uint16Array(n) };
  }

  private accountId(source: string, account: string): number {
    let bySource = this.accounts.get(source);
    if (!bySource) this.accounts.set(source, (bySource = new Map()));
    let id = bySource.get(account);
    if (id === undefined) {
      id = this.accountCount++;
      bySource.set(account, id);
      this.newAccounts.push([source, account]);
    }
    return id;
  }

  private currencyId(currency: string): number {
    let id = this.currencies.get(currency);
    if (id === undefined) {
      if (this.currencies.size >= 0xffff) throw new Error('more than 65,535 currencies in one history');
      id = this.currencies.size + 1;
      this.currencies.set(currency, id);
      this.newCurrencies.push(currency);
    }
    return id;
  }
}

/** The buffers a batch is made of: moved to the receiving thread, not copied. */
export const transferablesOf = (batch: ObservationBatch): ArrayBuffer[] =>
  [batch.account, batch.at, batch.units, batch.scale, batch.currency].map((column) => column.buffer as ArrayBuffer);

/**
 * Unpacks batches in order; one per stream, since it remembers the numbering.
 * An account's balance that has not changed since its last row keeps the Money
 * it was first read as: the replay then compares it by reference and holds one object.
 */
export class BatchUnpacker {
  private readonly accounts: (readonly [string, string])[] = [];
  private readonly currencies: (string | null)[] = [null];
  private readonly lastValue: (Money | undefined)[] = [];

  unpack(batch: ObservationBatch): SourcedObservation[] {
    for (const account of batch.newAccounts) this.accounts.push(account);
    for (const currency of batch.newCurrencies) this.currencies.push(currency);
    const wide = new Map(batch.wide.map(([row, units, scale]) => [row, { units: BigInt(units), scale }]));
    const out: SourcedObservation[] = new Array(batch.count);
    for (let row = 0; row < batch.count; row += 1) {
      const id = batch.account[row]!;
      const [source, account] = this.accounts[id]!;
      const currency = this.currencies[batch.currency[row]!]!;
      const amount = wide.get(row) ?? { units: batch.units[row]!, scale: batch.scale[row]! };
      const last = this.lastValue[id];
      const value = last && last.currency === currency && last.amount.units === amount.units && last.amount.scale === amount.scale ? last : { amount, currency };
      this.lastValue[id] = value;
      out[row] = { source, account, at: batch.at[row]!, value };
    }
    return out;
  }
}

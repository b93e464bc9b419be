import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SQL } from '../sql.js';
import { BatchPacker, type ObservationBatch, type ObservationTuple, transferablesOf } from './observation-batch.js';

/*
 * The reading half of a SQLite history stream (see stream.ts): steps the
 * statement on its own connection and thread, so that reading the file and
 * replaying it use both cores. It stays at most `ahead` batches in front of
 * the reader, waiting on a shared counter, so the history is never held at once.
 */

export interface StreamRequest {
  readonly file: string;
  readonly since: number;
  readonly until: number;
  readonly batchSize: number;
  readonly ahead: number;
  /** One Int32: batches posted and not yet taken by the reader. */
  readonly inFlight: SharedArrayBuffer;
}

export type StreamMessage = { readonly batch: ObservationBatch } | { readonly done: true } | { readonly error: string };

const request = workerData as StreamRequest;
const port = parentPort!;
const inFlight = new Int32Array(request.inFlight);

try {
  const db = new Database(request.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const rows = db.prepare(SQL.observationsBetween).raw(true).iterate(request.since, request.until) as IterableIterator<ObservationTuple>;
  const packer = new BatchPacker(request.batchSize);
  const post = (batch: ObservationBatch) => {
    for (let waiting = Atomics.load(inFlight, 0); waiting >= request.ahead; waiting = Atomics.load(inFlight, 0)) Atomics.wait(inFlight, 0, waiting);
    Atomics.add(inFlight, 0, 1);
    port.postMessage({ batch } satisfies StreamMessage, transferablesOf(batch));
  };
  for (const row of rows) {
    const full = packer.add(row);
    if (full) post(full);
  }
  const rest = packer.flush();
  if (rest) post(rest);
  db.close();
  port.postMessage({ done: true } satisfies StreamMessage);
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies StreamMessage);
}

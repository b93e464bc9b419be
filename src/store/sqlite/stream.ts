import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreError, type SourcedObservation } from '../store.js';
import { BatchUnpacker } from './observation-batch.js';
import type { StreamMessage, StreamRequest } from './stream-worker.js';

/** Rows per batch (on the worker and on the calling thread alike), and batches the reading thread may be ahead: a few MB in flight at most. */
export const STREAM_BATCH_ROWS = 8_192;
const AHEAD = 4;

/** The reading thread's script, built beside this one; absent when the sources run untranspiled (the unit tests). */
const WORKER = new URL('./stream-worker.js', import.meta.url);

/** Whether the history can be read on a thread of its own: the built package can, the sources run by vitest cannot. */
export const canStreamOnWorker = (): boolean => existsSync(fileURLToPath(WORKER));

/**
 * A SQLite file's observations in [since, until), in time order, read on a
 * worker thread (its own read-only connection) and handed over in columns:
 * reading the file and replaying it then use two cores, and this thread parses
 * no row. Leaving the loop early stops the worker.
 */
export async function* streamFromFile(file: string, since: number, until: number): AsyncGenerator<readonly SourcedObservation[]> {
  const inFlight = new SharedArrayBuffer(4);
  const counter = new Int32Array(inFlight);
  const request: StreamRequest = { file, since, until, batchSize: STREAM_BATCH_ROWS, ahead: AHEAD, inFlight };
  const worker = new Worker(WORKER, { workerData: request });
  const queue: StreamMessage[] = [];
  let wake: (() => void) | undefined;
  const arrive = (message: StreamMessage) => {
    queue.push(message);
    wake?.();
  };
  worker.on('message', arrive);
  worker.on('error', (error) => arrive({ error: error.message }));
  worker.on('exit', (code) => arrive(code === 0 ? { done: true } : { error: `the history reader stopped (exit code ${code})` }));
  const unpacker = new BatchUnpacker();
  try {
    for (;;) {
      const message = queue.shift() ?? (await new Promise<StreamMessage>((resolve) => (wake = () => resolve(queue.shift()!))));
      wake = undefined;
      if ('error' in message) throw new StoreError(`state store ${file}: reading the history failed: ${message.error}`);
      if ('done' in message) return;
      const observations = unpacker.unpack(message.batch);
      Atomics.sub(counter, 0, 1);
      Atomics.notify(counter, 0);
      yield observations;
    }
  } finally {
    await worker.terminate();
  }
}

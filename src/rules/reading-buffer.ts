import type { Reading } from './drop.js';

/** Readings of one account, oldest first; the front is dropped once older than the longest window any rule asks for. */
export class ReadingBuffer {
  private readings: Reading[] = [];
  private start = 0;

  push(reading: Reading, keepMs: number): void {
    this.readings.push(reading);
    const oldest = reading.at - keepMs;
    while (this.start < this.readings.length && this.readings[this.start]!.at < oldest) this.start += 1;
    // Compacted now and then rather than shifted every time: a shift is a copy.
    if (this.start > 64 && this.start * 2 > this.readings.length) {
      this.readings = this.readings.slice(this.start);
      this.start = 0;
    }
  }

  /** Readings at or after `since`, before `before` (the reading being checked is not history yet). */
  since(since: number, before: number): Reading[] {
    let lo = this.start;
    let hi = this.readings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.readings[mid]!.at < since) lo = mid + 1;
      else hi = mid;
    }
    const found: Reading[] = [];
    for (let i = lo; i < this.readings.length && this.readings[i]!.at < before; i += 1) found.push(this.readings[i]!);
    return found;
  }
}

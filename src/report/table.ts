import { printable } from '../printable.js';

/** A plain text table: columns padded to their widest cell, numbers right-aligned; a control character in a cell is shown escaped. */
export function renderTable(headers: readonly string[], cells: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const rows = cells.map((row) => row.map(printable));
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

import pino, { type LogFn, type Logger } from 'pino';
import { printable } from '../printable.js';

export type { Logger };

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * JSON lines (pino), readable lines when the destination is a terminal. Nothing
 * that holds a secret is ever passed to it: errors are logged as their message.
 */
export function createLogger(options: { level?: string; destination?: 1 | 2; pretty?: boolean } = {}): Logger {
  const level = options.level && LEVELS.has(options.level) ? options.level : 'info';
  const common = {
    level,
    base: undefined,
    // Names and messages from an API reach the log: a control sequence in one must not reach a terminal tailing it.
    hooks: { logMethod: printableArguments },
    formatters: { log: printableFields },
  };
  const fd = options.destination ?? 1;
  const pretty = options.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  if (pretty) {
    return pino(common, pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } }));
  }
  return pino({ ...common, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: fd, sync: true }));
}

function printableArguments(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? printable(arg) : arg)) as Parameters<LogFn>);
}

/** The top-level fields of a line (rule, account, error…): shallow, so a line costs one pass over its few fields. */
function printableFields(object: Record<string, unknown>): Record<string, unknown> {
  let changed: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string' || key === 'stack') continue;
    const shown = printable(value);
    if (shown !== value) (changed ??= { ...object })[key] = shown;
  }
  return changed ?? object;
}

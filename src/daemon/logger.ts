import pino, { type Logger } from 'pino';

export type { Logger };

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * JSON lines (pino), readable lines when the destination is a terminal. Nothing
 * that holds a secret is ever passed to it: errors are logged as their message.
 */
export function createLogger(options: { level?: string; destination?: 1 | 2; pretty?: boolean } = {}): Logger {
  const level = options.level && LEVELS.has(options.level) ? options.level : 'info';
  const fd = options.destination ?? 1;
  const pretty = options.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  if (pretty) {
    return pino({ level, base: undefined }, pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } }));
  }
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: fd, sync: true }));
}

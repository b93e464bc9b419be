import type { Environment } from './env.js';

/** The config path from `-c`, else `$BALANCE_WATCH_CONFIG`, else `./config.yaml`. */
export function configPath(option: string | undefined, env: Environment): string {
  return option ?? env['BALANCE_WATCH_CONFIG'] ?? 'config.yaml';
}

export function unreadableMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file; pass the config with -c FILE or set BALANCE_WATCH_CONFIG (start from config.example.yaml)';
  if (code === 'EACCES') return 'permission denied: the file is not readable by this user';
  if (code === 'EISDIR') return 'this is a folder; pass the config file itself';
  return `cannot read the file (${code ?? 'unknown error'})`;
}

import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

/**
 * `balance-watch run` as a user runs it: the bin itself, so the Node options
 * its first line carries apply, as for `npx balance-watch run` (the Dockerfile
 * and the systemd unit pass the same). PATH leads to the Node the bench runs
 * on, which the bin's `env node` then finds.
 */
export function spawnRun(config: string, options: { readonly stdio: StdioOptions; readonly env: Record<string, string> }): ChildProcess {
  const PATH = [path.dirname(process.execPath), process.env['PATH'] ?? ''].join(path.delimiter);
  return spawn(BIN, ['run', '-c', config], { stdio: options.stdio, env: { PATH, ...options.env } });
}

import { readFileSync } from 'node:fs';

/**
 * The version in balance-watch's package.json: the nearest one above this
 * module, which is src/ or dist/cli/ (the bundle) depending on how it runs.
 */
export function packageVersion(): string {
  for (let url = new URL('../package.json', import.meta.url); ; url = new URL('../package.json', url)) {
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'balance-watch') return pkg.version ?? 'unknown';
    } catch {
      // Not here: one folder up.
    }
    if (url.pathname === '/package.json') return 'unknown';
  }
}

import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

describe('the installed command', () => {
  it('runs as a program, as `npx balance-watch` and a global install run it', async () => {
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await run(CLI, ['--version'], { env: { PATH: process.env['PATH'] ?? '' } });
    expect(stdout.trim()).toBe(version);
  });

  it('is the file package.json names as its bin', () => {
    const { bin } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(path.resolve(ROOT, bin['balance-watch']!)).toBe(CLI);
  });
});

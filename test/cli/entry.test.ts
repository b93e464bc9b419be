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

  it('starts Node with the young generation capped and two malloc arenas, as the memory figures in the README assume', async () => {
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2');
    const { stdout } = await run(CLI, ['--version'], { env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: '--require ./does-not-exist.cjs' } }).catch((error: { stderr: string }) => ({ stdout: error.stderr }));
    // NODE_OPTIONS is read too: the bin adds to the user's options, it does not replace them.
    expect(stdout).toContain('does-not-exist');
  });

  it('is the file package.json names as its bin', () => {
    const { bin } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(path.resolve(ROOT, bin['balance-watch']!)).toBe(CLI);
  });
});

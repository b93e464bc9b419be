import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { existsSync, readdirSync } from 'node:fs';
import { aliasBomb, SECRETS, TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

describe('balance-watch check', () => {
  it('accepts a valid file and summarises it', async () => {
    const dir = tempDir({ 'config.yaml': VALID_CONFIG });
    const result = await runCli(['check', '-c', path.join(dir, 'config.yaml')], { env: TEST_ENV });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('config.yaml is valid.');
    expect(result.stdout).toMatch(/sources\s+2 sources: apay \(apay\), bepaid \(bepaid\)/);
    expect(result.stdout).toMatch(/accounts\s+1 bePaid account declared/);
    expect(result.stdout).toMatch(/rules\s+2 rules/);
    for (const secret of SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('refuses an alias bomb with one located error, at once', async () => {
    const dir = tempDir({ 'config.yaml': aliasBomb() });
    const result = await runCli(['check', '-c', path.join(dir, 'config.yaml')], { timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter((line) => line.includes(' error: '))).toEqual([
      `${path.join(dir, 'config.yaml')}:5:10 error: more than 100 aliases are followed from *a2; a config needs a few at most: write the values out`,
    ]);
    expect(result.stderr).toBe('');
  });

  it('refuses a mistyped store URL without printing its password, and no command creates folders named after it', async () => {
    const state = 'postgress://postgres:s3cret@db:5432/x';
    const dir = tempDir({ 'config.yaml': VALID_CONFIG.replace('schedule:', `state: ${state}\nschedule:`) });
    const file = path.join(dir, 'config.yaml');
    const expected = 'state: "postgress://postgres:***@db:5432/x" looks like a URL, but only postgres:// and postgresql:// URLs are state stores; for a SQLite file write a path such as ./data/state.db';
    const checked = await runCli(['check', '-c', file], { env: TEST_ENV });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(`${file}:1:8 error: ${expected}`);
    for (const command of [['status'], ['history', 'bKash agent float'], ['silence', 'list'], ['run'], ['once', '--dry-run']]) {
      const result = await runCli([...command, '-c', file], { env: TEST_ENV, timeoutMs: 20_000 });
      expect(result.code, command.join(' ')).not.toBe(0);
      expect(result.stdout + result.stderr, command.join(' ')).toContain('"postgress://postgres:***@db:5432/x" looks like a URL');
      expect(result.stdout + result.stderr, command.join(' ')).not.toContain('s3cret');
    }
    const migrated = await runCli(['migrate-state', '--from', path.join(dir, 'state.db'), '--to', state]);
    expect(migrated.stderr).toContain('--to must be a postgres:// or postgresql:// URL, not postgress://postgres:***@db:5432/x');
    expect(migrated.stdout + migrated.stderr).not.toContain('s3cret');
    expect(readdirSync(dir)).toEqual(['config.yaml']);
    expect(existsSync(path.join(dir, 'postgress:'))).toBe(false);
  }, 60_000);

  it('passes config.example.yaml with the variables the README shows', async () => {
    const result = await runCli(['check', '-c', 'config.example.yaml'], {
      env: {
        APAY_API_KEY: 'x',
        BEPAID_SHOP_ID: '1',
        BEPAID_SECRET_KEY: 'x',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
        SMTP_URL: 'smtp://user:pass@mail.example.com:587',
      },
    });
    expect(result.stdout).toContain('config.example.yaml is valid.');
    expect(result.code).toBe(0);
  });

  it('finds the config through BALANCE_WATCH_CONFIG, then ./config.yaml', async () => {
    const dir = tempDir({ 'config.yaml': VALID_CONFIG, 'other.yaml': 'rules: []\n' });
    const viaEnv = await runCli(['check'], { cwd: dir, env: { ...TEST_ENV, BALANCE_WATCH_CONFIG: 'other.yaml' } });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stdout).toContain('other.yaml:');
    const viaCwd = await runCli(['check'], { cwd: dir, env: TEST_ENV });
    expect(viaCwd.stdout).toContain('config.yaml is valid.');
  });

  it('prints every problem as FILE:LINE:COL and exits 1, naming a missing variable', async () => {
    const text = VALID_CONFIG.replace('warn_below: 50000', 'warn_bellow: 50000');
    const dir = tempDir({ 'config.yaml': text });
    const file = path.join(dir, 'config.yaml');
    const result = await runCli(['check', '-c', file], { env: { ...TEST_ENV, APAY_API_KEY: '' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file}:7:14 error: environment variable APAY_API_KEY is not set`);
    expect(result.stdout).toContain(`${file}:27:5 error: unknown key "warn_bellow" in rules[0]; did you mean warn_below?`);
    expect(result.stdout).toContain('2 errors; nothing was started');
    expect(result.stderr).toBe('');
  });

  it('marks warnings and still exits 0', async () => {
    const dir = tempDir({ 'config.yaml': VALID_CONFIG.replace('payment_system: bkash_a', 'payment_system: bkash_new') });
    const result = await runCli(['check', '-c', path.join(dir, 'config.yaml')], { env: TEST_ENV });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/config\.yaml:26:21 warning: "bkash_new" is not a payment system/);
    expect(result.stdout).toContain('is valid (1 warning)');
  });

  it.each([
    ['a missing file', undefined, /no such file; pass the config with -c FILE/],
    ['a folder', 'folder', /this is a folder/],
    ['an empty file', '', /the file is empty/],
    ['a YAML syntax error', 'rules: [\n', /2:1 error: YAML syntax/],
    ['a list', '- 1\n', /not a list/],
  ])('explains %s without a stack trace', async (_name, text, expected) => {
    const dir = tempDir(text === undefined || text === 'folder' ? {} : { 'config.yaml': text });
    const target = text === 'folder' ? dir : path.join(dir, 'config.yaml');
    const result = await runCli(['check', '-c', target]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(expected);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });
});

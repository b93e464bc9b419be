import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostic.js';
import { unreadableMessage } from '../../src/config/file.js';
import { parseConfigText } from '../../src/config/load.js';
import { aliasBomb, deeplyNested, SECRETS, TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

const load = (text: string, env: Record<string, string> = TEST_ENV) => parseConfigText(text, { file: '/etc/bw/config.yaml', env });
const lines = (text: string, env?: Record<string, string>) => {
  const result = load(text, env);
  return [...result.errors, ...result.warnings].map((d) => formatDiagnostic('c.yaml', d));
};
/** Replaces the first occurrence of `from` in the valid config. */
const edit = (from: string, to: string) => {
  if (!VALID_CONFIG.includes(from)) throw new Error(`fixture has no ${from}`);
  return VALID_CONFIG.replace(from, to);
};

describe('a valid config', () => {
  it('loads with defaults merged into rules', () => {
    const { config, errors, warnings } = load(VALID_CONFIG);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config?.state).toBe('/etc/bw/data/state.db');
    expect(config?.http.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(config?.history_retention).toBe(90 * 86_400_000);
    const rule = config!.rules[0]!;
    expect(rule).toMatchObject({ notify: ['treasury'], for: 1, repeat: 4 * 3_600_000, stale_after: 3 });
    expect(rule.warn_below).toEqual({ units: 50000n, scale: 0 });
    expect(config!.rules[1]!.warn_below).toEqual({ units: 100000n, scale: 2 });
    const bepaid = config!.sources[1]!;
    expect(bepaid.type === 'bepaid' && bepaid.base_url).toBe('https://api.bepaid.by');
    expect(bepaid.type === 'bepaid' && bepaid.accounts[0]!.account).toBe('40701810842020395221');
  });

  it('keeps a PostgreSQL URL in state: as it is (with its ${VAR} password), and reads ha.lease', () => {
    const text = `${VALID_CONFIG}\nstate: postgres://bw:\${PGPASSWORD}@db.internal:5432/balance_watch\nha:\n  lease: 20s\n`;
    const { config, errors } = load(text, { ...TEST_ENV, PGPASSWORD: 'pw-from-env' });
    expect(errors).toEqual([]);
    expect(config?.state).toBe('postgres://bw:pw-from-env@db.internal:5432/balance_watch');
    expect(config?.ha).toEqual({ lease: 20_000 });
    expect(load(VALID_CONFIG).config?.ha).toEqual({ lease: 15_000 });
    expect(lines(`${VALID_CONFIG}\nha:\n  lease: soon\n`)).toEqual([expect.stringMatching(/^c\.yaml:\d+:\d+ error: ha\.lease: "soon" is not a duration/)]);
  });

  it('warns when the board is served beyond this machine without a password or token', () => {
    const open = (http: string) => lines(`${VALID_CONFIG}\nhttp:\n${http}\n`);
    expect(open('  listen: 0.0.0.0:9464')).toEqual([
      expect.stringMatching(/warning: http\.listen 0\.0\.0\.0:9464 serves the balance board to anyone who can reach it; set http\.auth .* or http\.token, or listen on 127\.0\.0\.1$/),
    ]);
    expect(open('  listen: 0.0.0.0:9464\n  token: t0ken')).toEqual([
      expect.stringMatching(/warning: http\.listen 0\.0\.0\.0:9464 guards the board, but \/metrics shows every balance to anyone who can reach it; set http\.auth_metrics: true/),
    ]);
    expect(open('  listen: 0.0.0.0:9464\n  token: t0ken\n  auth_metrics: true')).toEqual([]);
    expect(open('  listen: 127.0.0.1:9464')).toEqual([]);
    expect(open('  listen: 127.0.0.1:9464\n  auth_metrics: true')).toEqual([expect.stringMatching(/error: auth_metrics: true needs http\.auth or http\.token/)]);
    const guarded = load(`${VALID_CONFIG}\nhttp:\n  listen: 0.0.0.0:9464\n  auth: { username: treasury, password: "\${BOARD_PASSWORD}" }\n`, { ...TEST_ENV, BOARD_PASSWORD: 'pw' });
    expect(guarded.config?.http).toEqual({ listen: { host: '0.0.0.0', port: 9464 }, basic: { username: 'treasury', password: 'pw' }, authMetrics: false });
  });

  it.each([
    ['a negative warning', 'warn_below: 50000\n    critical_below: 10000', 'warn_below: -5', ['c.yaml:27:17 warning: warn_below -5 can never fire: a balance is never below 0 (balance-watch treats a negative one as bad data)']],
    ['a zero critical', 'critical_below: 10000', 'critical_below: 0', ['c.yaml:28:21 warning: critical_below 0 can never fire: a balance is never below 0 (balance-watch treats a negative one as bad data)']],
  ])('warns about %s threshold, which can never fire', (_what, from, to, expected) => {
    expect(lines(edit(from, to))).toEqual(expected);
  });

  it('reads YAML numbers from their source text, not through a float', () => {
    const { config } = load(edit('warn_below: 50000', 'warn_below: 0.30000000000000004'));
    expect(config).toBeUndefined();
    const exact = load(edit('warn_below: 50000\n    critical_below: 10000', 'warn_below: 9007199254740993.15'));
    expect(exact.config?.rules[0]!.warn_below).toEqual({ units: 900719925474099315n, scale: 2 });
  });

  it('lets rules override defaults', () => {
    const text = edit('rules:', 'defaults:\n  for: 3\n  repeat: 0\n  hysteresis: 5000\nrules:').replace(
      'warn_below: "1000.00"',
      'warn_below: "1000.00"\n    for: 1\n    hysteresis: 5%',
    );
    const { config, errors } = load(text);
    expect(errors).toEqual([]);
    expect(config!.rules[0]).toMatchObject({ for: 3, repeat: 0, hysteresis: { kind: 'amount', amount: { units: 5000n, scale: 0 } } });
    expect(config!.rules[1]).toMatchObject({ for: 1, hysteresis: { kind: 'percent', percent: { units: 5n, scale: 0 } } });
  });

  it('accepts a 6-field cron, an IANA zone, a glob rule and a loopback http URL', () => {
    const text = edit('schedule: "*/5 * * * *"', 'schedule: "*/10 * * * * *"\ntimezone: Europe/Minsk')
      .replace('https://apay.example.com', 'http://127.0.0.1:8080')
      .replace('payment_system: bkash_a', 'payment_system: "upi_*"');
    expect(load(text).errors).toEqual([]);
  });
});

describe('every mistake is reported at its line and column', () => {
  it.each([
    ['a typo in a key', edit('    warn_below: 50000', '    warn_bellow: 50000'), 'c.yaml:27:5 error: unknown key "warn_bellow" in rules[0]; did you mean warn_below?'],
    ['an unknown top-level key', edit('rules:', 'rulez: []\nrules:'), 'c.yaml:23:1 error: unknown key "rulez"; did you mean rules?'],
    ['a missing variable', edit('${APAY_API_KEY}', '${APAY_KEY}'), 'c.yaml:7:14 error: environment variable APAY_KEY is not set; set it, or give a default with ${APAY_KEY:-value}'],
    ['a bad amount', edit('warn_below: 50000', 'warn_below: 50,000'), 'c.yaml:27:17 error: rules[0].warn_below: "50,000" is not a plain decimal number; write it like 1000 or 1000.50 (no thousands separators or exponents)'],
    ['too many decimals for the currency', edit('"1000.00"', '"1000.005"'), 'c.yaml:32:17 error: warn_below: USD has 2 decimal places, but 1000.005 has 3'],
    ['critical above warning', edit('critical_below: 10000', 'critical_below: 60000'), 'c.yaml:28:21 error: critical_below (60,000) must be below warn_below (50,000)'],
    ['recovery below its threshold', edit('critical_below: 10000', 'critical_below: 10000\n    recover_above: 40000'), 'c.yaml:29:20 error: recover_above (40,000) must be above warn_below (50,000)'],
    ['no threshold', edit('    warn_below: "1000.00"\n', ''), 'c.yaml:29:5 error: rule "USD settlement" needs warn_below or critical_below (or both)'],
    ['an unknown source', edit('source: bepaid', 'source: bepaidd'), 'c.yaml:30:13 error: rule "USD settlement": no source has id "bepaidd" (sources: apay, bepaid)'],
    ['an unknown channel', edit('rules:', 'defaults:\n  notify: [treasury, finance]\nrules:'), 'c.yaml:24:22 error: no channel has id "finance" (channels: treasury)'],
    ['an unknown channel in a map by level', edit('rules:', 'defaults:\n  notify:\n    warning: [treasury]\n    critical: [treasury, finace]\nrules:'), 'c.yaml:26:26 error: no channel has id "finace" (channels: treasury)'],
    ['a notify that is neither list nor map', edit('rules:', 'defaults:\n  notify: treasury\nrules:'), 'c.yaml:24:11 error: defaults.notify: must be a list of channel ids such as [treasury, finance], or a map by level such as { warning: [treasury], critical: [treasury, finance] }'],
    ['an unknown channel in an escalation step', edit('rules:', 'defaults:\n  escalate:\n    - { after: 30m, notify: [cfo] }\nrules:'), 'c.yaml:25:30 error: no channel has id "cfo" (channels: treasury)'],
    ['an escalation step without a duration', edit('rules:', 'defaults:\n  escalate:\n    - { notify: [treasury] }\nrules:'), 'c.yaml:25:7 error: missing required setting "after" in defaults.escalate[0]'],
    ['a level notify does not know', edit('rules:', 'defaults:\n  notify: { warn: [treasury] }\nrules:'), 'c.yaml:24:13 error: unknown key "warn" in defaults.notify; expected one of: warning, critical, no_data, runway, drop'],
    ['an unknown bePaid account', edit('account: usd-settlement', 'account: eur-settlement'), 'c.yaml:31:14 error: rule "USD settlement": source bepaid declares no account "eur-settlement" (accounts: usd-settlement)'],
    ['a duplicate rule name', edit('name: USD settlement', 'name: bKash agent float'), 'c.yaml:29:11 error: rule name "bKash agent float" is used twice; each rule needs its own name (it identifies the alert)'],
    ['a duplicate source id', edit('  - id: bepaid', '  - id: apay'), 'c.yaml:10:9 error: source id "apay" is used twice; ids must be unique'],
    ['a bad cron', edit('"*/5 * * * *"', '"*/5 * * *"'), 'c.yaml:1:11 error: schedule "*/5 * * *" is not a valid cron expression (expected 5 or 6 fields but got 4); use 5 fields such as "*/5 * * * *", or 6 with seconds first'],
    ['a bad summary schedule', edit('webhook_url: ${SLACK_WEBHOOK_URL}', 'webhook_url: ${SLACK_WEBHOOK_URL}\n    summary: "0 9 * *"'), 'c.yaml:23:14 error: summary "0 9 * *" is not a valid cron expression (expected 5 or 6 fields but got 4); for 9:00 on weekdays write "0 9 * * 1-5"'],
    ['a bad time zone', edit('sources:', 'timezone: Europe/Minks\nsources:'), 'c.yaml:2:11 error: timezone "Europe/Minks" is not an IANA time zone; use a name such as Europe/Minsk or UTC'],
    ['plain http to a remote host', edit('https://apay.example.com', 'http://apay.example.com'), 'c.yaml:5:15 error: sources[0].base_url must use https (http://apay.example.com); plain http is allowed only for loopback hosts such as 127.0.0.1'],
    ['an unknown source type', edit('type: bepaid', 'type: bepay'), 'c.yaml:11:11 error: sources[1].type: type must be one of: apay, bepaid'],
    ['a missing required setting', edit('    project_id: 1234\n', ''), 'c.yaml:3:5 error: missing required setting "project_id" in sources[0]'],
    ['a wrong type', edit('project_id: 1234', 'project_id: [1]'), 'c.yaml:6:17 error: sources[0].project_id: must be a whole number'],
    ['a bad currency', edit('bkash_a: BDT', 'bkash_a: TAKA'), 'c.yaml:9:16 error: sources[0].currencies.bkash_a: must be an ISO 4217 currency code such as USD, BDT or INR (upper case)'],
    ['a bad duration', edit('rules:', 'defaults:\n  repeat: 4 hours\nrules:'), 'c.yaml:24:11 error: defaults.repeat: "4 hours" is not a duration; write it like 30s, 5m, 4h, 1d or 1h30m'],
    ['a bePaid rule with a payment system', edit('account: usd-settlement', 'payment_system: bkash_a'), 'c.yaml:31:21 error: rule "USD settlement": source bepaid is bePaid; name an account instead of a payment_system'],
    ['a YAML syntax error', edit('rules:', 'rules: [\n'), 'c.yaml:34:1 error: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a duplicate key', edit('    critical_below: 10000', '    critical_below: 10000\n    critical_below: 9000'), 'c.yaml:29:5 error: YAML syntax: Map keys must be unique'],
  ])('%s', (_name, text, expected) => {
    expect(lines(text), lines(text).join("\n")).toContain(expected);
  });

  it('reports problems in separate parts of the file in one run', () => {
    const text = edit('"*/5 * * * *"', '"61 * * * *"')
      .replace('warn_below: 50000', 'warn_bellow: 50000')
      .replace('project_id: 1234', 'project_id: abc')
      .replace('source: bepaid', 'source: nowhere');
    const found = lines(text);
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/1:11 .*cron/);
    expect(found.join('\n')).toMatch(/6:17 .*whole number/);
    expect(found.join('\n')).toMatch(/27:5 .*warn_bellow/);
    expect(found.join('\n')).toMatch(/30:13 .*nowhere/);
  });

  it('warns, without failing, about a payment system A-Pay does not list', () => {
    const result = load(edit('payment_system: bkash_a', 'payment_system: bkash_zz'));
    expect(result.errors).toEqual([]);
    expect(result.config?.rules.map((rule) => rule.payment_system)).toEqual(['bkash_zz', undefined]);
    expect(result.warnings.map((d) => formatDiagnostic('c.yaml', d))).toEqual([
      'c.yaml:26:21 warning: "bkash_zz" is not a payment system that A-Pay documents; if A-Pay added it recently this is fine, otherwise check the spelling',
    ]);
    expect(load(edit('payment_system: bkash_a', 'payment_system: "upi_*"')).warnings).toEqual([]);
    expect(load(edit('payment_system: bkash_a', 'payment_system: "zz_*"')).warnings).toHaveLength(1);
  });

  it.each([
    ['an empty file', '', 'c.yaml:1:1 error: the file is empty; start from config.example.yaml'],
    ['only comments', '# nothing\n', 'c.yaml:1:1 error: the file is empty; start from config.example.yaml'],
    ['a list', '- a\n- b\n', 'c.yaml:1:1 error: the file must be a mapping of settings (schedule:, sources:, rules:, …), not a list'],
    ['a scalar', 'hello\n', 'c.yaml:1:1 error: the file must be a mapping of settings (schedule:, sources:, rules:, …), not a single value'],
  ])('refuses %s', (_name, text, expected) => {
    expect(lines(text)).toEqual([expected]);
  });

  it('never prints a secret, even when the value holding it is wrong', () => {
    const text = edit('${SLACK_WEBHOOK_URL}', 'http://hooks.example.com/services/SECRETSLACK')
      .replace('  - id: treasury', '  - id: finance\n    type: email\n    smtp_url: ftp://alerts:smtp-password-789@mail\n    from: a@b.c\n    to: x@y.z\n  - id: treasury')
      .replace('api_key: ${APAY_API_KEY}', 'api_key: 42');
    const output = lines(text).join('\n');
    expect(output).toMatch(/webhook_url must use https;/);
    expect(output).toMatch(/smtp_url must look like/);
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  });
});

describe('files built to exhaust the parser are refused at once, with one error', () => {
  const timed = (text: string) => {
    const started = performance.now();
    const result = lines(text);
    return { result, ms: performance.now() - started };
  };

  it('an alias bomb (9 anchors of 9 aliases each)', () => {
    const { result, ms } = timed(aliasBomb());
    // The error points at the alias written in the file whose expansion crossed the limit.
    expect(result).toEqual(['c.yaml:5:10 error: more than 100 aliases are followed from *a2; a config needs a few at most: write the values out']);
    // Not a timed assertion of the suite's speed: the unbounded walk ran 95 s; bounded, it is milliseconds.
    expect(ms).toBeLessThan(5_000);
  });

  it('few aliases that expand to too many values', () => {
    // 4 aliases of one list of 32,768 values: far under 100 aliases, over 100,000 values at the third.
    const wide = `schedule: "* * * * *"\nx0: &a0 [${Array.from({ length: 32_768 }, () => 'v').join(', ')}]\nrules: [*a0, *a0, *a0, *a0]\n`;
    expect(lines(wide)).toEqual(['c.yaml:3:19 error: the file expands to more than 100,000 values through anchors and aliases; a config holds a few hundred: write the values out']);
  });

  it('5,000 levels of nesting', () => {
    const { result } = timed(deeplyNested(5_000));
    expect(result).toEqual(['c.yaml:2:264 error: nested more than 64 levels deep; a config needs a handful']);
  });

  it('a file over 1 MiB', () => {
    expect(lines(`${VALID_CONFIG}# ${'x'.repeat(1_048_576)}\n`)).toEqual([
      'c.yaml:1:1 error: the file is 1,049,286 bytes; a config may be at most 1,048,576 (1 MiB): is this the right file?',
    ]);
  });

  it('aliases and nesting within the limits are read as usual', () => {
    const text = edit('    critical_below: 10000', '    critical_below: 10000\n    notify: &both [treasury]').replace('    warn_below: "1000.00"', '    warn_below: "1000.00"\n    notify: *both');
    const result = load(text);
    expect(result.errors).toEqual([]);
    expect(result.config?.rules.map((rule) => rule.notify)).toEqual([['treasury'], ['treasury']]);
  });
});

describe('a state setting that looks like a URL but is none we open', () => {
  it.each([
    ['postgress://postgres:s3cret@db:5432/x', '"postgress://postgres:***@db:5432/x"'],
    ['mysql://root:s3cret@db/x', '"mysql://root:***@db/x"'],
    ['postgres:/postgres:s3cret@db/x', '"postgres:/postgres:***@db/x"'],
    ['sqlite:///var/lib/bw/state.db', '"sqlite:///var/lib/bw/state.db"'],
  ])('%s is an error naming the schemes accepted, with the password masked', (state, shown) => {
    const output = lines(edit('schedule:', `state: ${state}\nschedule:`));
    expect(output).toEqual([
      `c.yaml:1:8 error: state: ${shown} looks like a URL, but only postgres:// and postgresql:// URLs are state stores; for a SQLite file write a path such as ./data/state.db`,
    ]);
    expect(output.join('\n')).not.toContain('s3cret');
  });

  it.each(['./data/state.db', '/var/lib/bw/state.db', 'C:/bw/state.db', 'postgres://bw@db/x', 'POSTGRESQL://bw@db/x'])('%s is accepted', (state) => {
    expect(load(edit('schedule:', `state: "${state}"\nschedule:`)).errors).toEqual([]);
  });
});

describe('action links', () => {
  const SECRET = 'k'.repeat(40);
  const withActions = (http: string, actions: string) => `${VALID_CONFIG}\nhttp:\n${http}\n${actions}`;

  it('are on with http.public_url and actions.secret, with their defaults', () => {
    const result = load(withActions('  public_url: https://balance-watch.internal/', 'actions:\n  secret: ${ACTIONS_SECRET}\n'), { ...TEST_ENV, ACTIONS_SECRET: SECRET });
    expect(result.errors).toEqual([]);
    expect(result.config?.http.publicUrl).toBe('https://balance-watch.internal');
    expect(result.config?.actions).toEqual({ secret: SECRET, silenceChoices: [7_200_000], silenceUntil: '09:00', linkTtl: 7 * 86_400_000 });
  });

  it.each([
    ['a short secret', '  public_url: https://bw.internal', 'actions:\n  secret: short-secret\n', /c\.yaml:\d+:11 error: actions\.secret: must be at least 32 characters: use a random value/],
    ['a bad time of day', '  public_url: https://bw.internal', `actions:\n  secret: ${SECRET}\n  silence_until: "9am"\n`, /error: actions\.silence_until: must be a time of day such as 09:00/],
    ['plain http beyond loopback', '  public_url: http://bw.internal', `actions:\n  secret: ${SECRET}\n`, /error: http\.public_url must use https \(http:\/\/bw\.internal\)/],
    ['a secret without a public_url', '  listen: 127.0.0.1:9464', `actions:\n  secret: ${SECRET}\n`, /warning: actions is set, but http\.public_url is not: messages carry no action links/],
    ['a public_url without a secret', '  public_url: https://bw.internal', '', /warning: http\.public_url is set, but actions\.secret is not/],
  ])('%s is reported', (_what, http, actions, expected) => {
    const output = lines(withActions(http, actions));
    expect(output).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    expect(output.join('\n')).not.toContain(SECRET);
  });
});

describe('one error per mistake', () => {
  it('a typo in a rule does not also make its channels look unused', () => {
    const text = edit('    warn_below: 50000', '    warn_bellow: 50000\n    notify: [treasury]').replace('    warn_below: "1000.00"', '    warn_below: "1000.00"\n    notify: [treasury]');
    expect(lines(text)).toEqual(['c.yaml:27:5 error: unknown key "warn_bellow" in rules[0]; did you mean warn_below?']);
  });

  it('a channel no rule names is still reported', () => {
    const text = edit('    warn_below: 50000', '    warn_below: 50000\n    notify: []').replace('    warn_below: "1000.00"', '    warn_below: "1000.00"\n    notify: []');
    expect(lines(text).filter((line) => line.includes('treasury'))).toEqual(['c.yaml:20:9 warning: channel "treasury" is not in any rule\'s notify list']);
  });

  it('a missing variable is one error, not also "not a URL"', () => {
    const { SLACK_WEBHOOK_URL: _unset, ...env } = TEST_ENV;
    expect(lines(VALID_CONFIG, env)).toEqual(['c.yaml:22:18 error: environment variable SLACK_WEBHOOK_URL is not set; set it, or give a default with ${SLACK_WEBHOOK_URL:-value}']);
  });
});

describe('unreadable files', () => {
  it.each([
    ['ENOENT', /no such file/],
    ['EACCES', /permission denied/],
    ['EISDIR', /this is a folder/],
    ['EIO', /cannot read the file \(EIO\)/],
  ])('%s', (code, expected) => {
    expect(unreadableMessage(Object.assign(new Error('x'), { code }))).toMatch(expected);
  });
});

describe('locateState', () => {
  it('needs only the state setting, not the other variables', async () => {
    const { locateState } = await import('../../src/config/state-location.js');
    const { tempDir } = await import('../helpers/cli.js');
    const { writeFileSync } = await import('node:fs');
    const dir = tempDir();
    writeFileSync(`${dir}/c.yaml`, VALID_CONFIG.replace('schedule:', 'state: ${STATE_DIR:-/var/lib/bw}/state.db\ntimezone: UTC\nschedule:'));
    expect(await locateState(`${dir}/c.yaml`, {})).toEqual({ ok: true, value: { state: '/var/lib/bw/state.db', timezone: 'UTC', channels: ['treasury'], rules: ['bKash agent float', 'USD settlement'], windows: new Map() } });
    writeFileSync(`${dir}/d.yaml`, 'state: ${STATE_DIR}/state.db\n');
    expect(await locateState(`${dir}/d.yaml`, {})).toEqual({
      ok: false,
      error: `${dir}/d.yaml: state: environment variable STATE_DIR is not set; set it, or give a default with \${STATE_DIR:-value}; run balance-watch check -c ${dir}/d.yaml`,
    });
    writeFileSync(`${dir}/e.yaml`, 'rules: []\n');
    expect(await locateState(`${dir}/e.yaml`, {})).toEqual({ ok: true, value: { state: `${dir}/data/state.db`, channels: [], rules: [], windows: new Map() } });
  });
});

#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2
// The young generation capped at 2 MB a half (V8 otherwise grows it to 32 MB under a busy daemon's allocation rate, a quarter of its memory), and glibc's malloc kept to two arenas rather than one per thread (8 MB less at 10,000 balances). `env -S` splits the line (coreutils 8.30+, macOS, BSD).
import { Command } from 'commander';
import { ExitError } from './exit-error.js';
import { processIo } from './io.js';
import { packageVersion } from '../version.js';

/**
 * The entry point: registers the commands, loads each one only when it runs
 * (start-up stays fast and light), and is the only place that exits.
 */
// `balance-watch status | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const program = new Command()
  .name('balance-watch')
  .description('Low-balance alerts for A-Pay payment systems and bePaid accounts, to Slack and email.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError();

const configOption = ['-c, --config <file>', 'config file (default: $BALANCE_WATCH_CONFIG or ./config.yaml)'] as const;

program
  .command('run')
  .description('run the daemon: check balances on the schedule, notify, serve the balance board, metrics and health; reload on SIGHUP or file change')
  .option(...configOption)
  .action(async (options) => (await import('../commands/run.js')).run(options, processIo));

program
  .command('check')
  .description('validate the config file without touching the network')
  .option(...configOption)
  .option('--backtest', 'then replay the stored history through the rules: a line per rule of what it would have sent')
  .option('--since <duration>', 'with --backtest: how far back', '7d')
  .option('--against <file>', 'with --backtest: only the rules that differ from this config (the one running), with the difference')
  .action(async (options) => (await import('../commands/check.js')).check(options, processIo));

program
  .command('once')
  .description('run one full cycle now and print every balance with its rule, thresholds and state (exit 0 OK, 1 warning, 2 critical, 3 unknown)')
  .option(...configOption)
  .option('--dry-run', 'send nothing and write no state')
  .option('--json', 'print JSON instead of a table')
  .action(async (options) => (await import('../commands/once.js')).once(options, processIo));

program
  .command('test-notify')
  .description('send a message marked as a test to every channel, or to one (exit 0 when all were delivered)')
  .option(...configOption)
  .option('--channel <id>', 'only this channel')
  .action(async (options) => (await import('../commands/test-notify.js')).testNotify(options, processIo));

program
  .command('status')
  .description('show firing alerts, last values and undelivered notifications from the state store')
  .option(...configOption)
  .option('--json', 'print JSON')
  .action(async (options) => (await import('../commands/status.js')).status(options, processIo));

program
  .command('history')
  .description('show the stored balances of a rule (each account it covers): a table, a sparkline, min / max / change')
  .argument('<rule>', 'the rule name')
  .option(...configOption)
  .option('--account <account>', 'only this account (payment system or bePaid account)')
  .option('--since <duration>', 'how far back, e.g. 6h, 7d', '24h')
  .option('--limit <n>', 'rows shown in the table', '50')
  .option('--json', 'print JSON with every observation')
  .action(async (rule, options) => (await import('../commands/history.js')).history(rule, options, processIo));

program
  .command('backtest')
  .description('replay the stored balance history through the rules of a config, as the daemon would have judged it: what would have been sent, and how long each alert would have fired (nothing is sent or written)')
  .option(...configOption)
  .option('--since <duration>', 'how far back from --until, e.g. 7d, 30d', '30d')
  .option('--until <time>', 'the end of the period: an ISO time, or a duration before now (default now)')
  .option('--rule <name>', 'only this rule')
  .option('--against <file>', 'another config (typically the one running today): both side by side, and the difference per rule')
  .option('--state <url-or-file>', 'the state store to read (default: the one the config names)')
  .option('--json', 'print JSON')
  .action(async (options) => (await import('../commands/backtest.js')).backtest(options, processIo));

program
  .command('forget')
  .description('close one alert quietly, for an account gone for good (a payment system the API no longer lists); it returns as a new alert if the account reappears')
  .argument('<rule/account>', 'the alert, e.g. "UPI/upi_old"')
  .option(...configOption)
  .action(async (target, options) => (await import('../commands/forget.js')).forget(target, options, processIo));

const ack = program.command('ack').description("say \"I'm on it\": an acknowledged alert sends no repeats until it gets worse or resolves");
ack
  .command('add', { isDefault: true })
  .description('acknowledge RULE (its firing accounts) or RULE/ACCOUNT: ack RULE[/ACCOUNT] --by NAME [--note TEXT]')
  .argument('<target>', 'RULE or RULE/ACCOUNT, e.g. "UPI/upi_fast"')
  .requiredOption('--by <name>', 'who is on it, shown to the team')
  .option('--note <text>', 'what is being done, e.g. "top-up requested from the bank"')
  .option(...configOption)
  .action(async (target, options) => (await import('../commands/ack.js')).ack(target, options, processIo));
ack
  .command('remove')
  .description('take an acknowledgement back: repeats resume')
  .argument('<target>', 'RULE or RULE/ACCOUNT')
  .option(...configOption)
  .action(async (target, options) => (await import('../commands/ack.js')).ackRemove(target, options, processIo));

const silence = program.command('silence').description("mute one alert's notifications for a while (state, history and metrics go on)");
silence
  .command('add')
  .description('mute RULE (every account) or RULE/ACCOUNT; globs allowed in both')
  .argument('<target>', 'RULE or RULE/ACCOUNT, e.g. "bKash agent float" or "UPI/upi_*"')
  .requiredOption('--for <duration>', 'how long, e.g. 2h')
  .requiredOption('--reason <text>', 'why, shown in status and silence list')
  .option('--level <level>', 'warning: a critical still notifies (default); critical: mute everything', 'warning')
  .option(...configOption)
  .action(async (target, options) => (await import('../commands/silence.js')).silenceAdd(target, options, processIo));
silence
  .command('list')
  .description('silences in force, and those that ended in the last day')
  .option(...configOption)
  .option('--json', 'print JSON')
  .action(async (options) => (await import('../commands/silence.js')).silenceList(options, processIo));
silence
  .command('remove')
  .description('end a silence now')
  .argument('<id>', 'the silence id, from silence list')
  .option(...configOption)
  .action(async (id, options) => (await import('../commands/silence.js')).silenceRemove(id, options, processIo));

program
  .command('migrate-state')
  .description('copy a SQLite state store (state, history, outbox, silences) into an empty PostgreSQL one, to run two replicas')
  .option('--from <file>', 'the SQLite state file, e.g. ./data/state.db')
  .option('--to <url>', 'the PostgreSQL database, postgres://user:password@host:5432/db (default: $DATABASE_URL)')
  .action(async (options) => (await import('../commands/migrate-state.js')).migrateState(options, processIo));

program
  .command('demo')
  .description('run the daemon against the built-in simulator: alerts fire, escalate and resolve within a minute (Ctrl-C to stop)')
  .action(async (options) => (await import('../commands/demo.js')).demo(options, processIo));

program
  .command('schema')
  .description("print the config's JSON Schema (for editors)")
  .action(async (options) => (await import('../commands/schema.js')).schema(options, processIo));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ExitError) {
    if (error.message) processIo.err(error.message);
    process.exitCode = error.exitCode;
  } else {
    processIo.err(`balance-watch: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 70;
  }
}

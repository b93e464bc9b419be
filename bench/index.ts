import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCycle, type CyclePhases } from './cycle.js';
import { benchBacktest } from './backtest.js';
import { benchBoard } from './board.js';
import { benchIdle, benchIdleAfterPairs, benchLatency } from './daemon.js';
import { benchStartToFirstRequest, benchWholeCycle, type WholeCycle } from './whole.js';
import { benchEvaluator } from './evaluator.js';
import { benchDatabase, benchHandOver } from './handover.js';
import { peakRssMb, round } from './measure.js';
import { benchStore } from './store.js';

/**
 * `npm run bench`: figures against balance-watch's goals, as a table and as JSON
 * in bench-results.json. It measures; it never fails on a slow figure.
 */
const quick = process.argv.includes('--quick');
const log = (text: string) => process.stdout.write(`${text}\n`);
const ms = (n: number) => `${round(n)} ms`;

log(`balance-watch benchmarks on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${quick ? ' (quick)' : ''}\n`);

const evaluator = benchEvaluator(quick ? 20_000 : 100_000);
log(`1. evaluator: ${evaluator.observations} observations, ${round(evaluator.usPerObservation, 2)} µs each (goal: well under 5 µs)`);

const cycles: CyclePhases[] = [];
for (const systems of quick ? [1_000, 10_000] : [1_000, 10_000, 50_000]) {
  const result = await benchCycle(systems);
  cycles.push(result);
  const phase = (name: string, t: { wallMs: number; cpuMs: number }) => `${name} ${ms(t.wallMs)} / ${ms(t.cpuMs)} cpu`;
  log(
    `2. cycle of ${systems} A-Pay balances: ${[phase('fetch', result.fetch), phase('parse', result.parse), phase('load', result.load), phase('evaluate', result.evaluate), phase('persist', result.persist), phase('queue', result.queue)].join(', ')}; in-process CPU ${ms(result.cpuMs)}, the median of several cycles 5 minutes apart, so every row is due (the slowest ${ms(result.cpuMsMax)}); 200 bePaid accounts ${ms(result.bepaid200.wallMs)}`,
  );
}
// The same 10,000-balance cycle with PostgreSQL as the store, for replicas.
const postgresDb = await benchDatabase();
const onPostgres = postgresDb ? await benchCycle(10_000, postgresDb.url) : undefined;
await postgresDb?.drop();
const at10k = cycles.find((c) => c.systems === 10_000);
if (onPostgres && at10k) {
  const io = (c: CyclePhases) => `load ${ms(c.load.wallMs)} / ${ms(c.load.cpuMs)} cpu, persist ${ms(c.persist.wallMs)} / ${ms(c.persist.cpuMs)} cpu`;
  log(`   on PostgreSQL: balance-watch CPU ${ms(onPostgres.cpuMs)} (SQLite ${ms(at10k.cpuMs)}), ${round(onPostgres.cpuMs / at10k.cpuMs, 2)}× (goal ≤ 1.2×); ${io(onPostgres)} (SQLite: ${io(at10k)})`);
} else log('   on PostgreSQL: not measured (no server at BALANCE_WATCH_TEST_POSTGRES or 127.0.0.1:5432)');
const at50k = cycles.find((c) => c.systems === 50_000);
const scaling = at10k && at50k ? round(at50k.cpuMs / at10k.cpuMs, 2) : undefined;
if (scaling !== undefined) log(`   50,000 vs 10,000: ${scaling}× the CPU (linear would be 5×)`);
log(`   peak RSS of the benchmark process: ${peakRssMb()} MB`);

// The same cycles as a user runs them: the whole `run` process, measured from outside.
const whole: WholeCycle[] = [];
// 10k, 50k and 100k in one run, so that the growth shows: it must be linear.
for (const systems of quick ? [1_000, 10_000] : [1_000, 10_000, 50_000, 100_000]) whole.push(await benchWholeCycle(systems, quick ? 5 : 10));
for (const w of whole) {
  const goal = w.systems === 10_000 ? ' (goal at 10,000: < 110 MB)' : w.systems === 100_000 ? ' (goals at 100,000: < 1,000 ms of CPU, < 300 MB)' : '';
  log(`2w. whole \`run\` process, ${w.systems} balances, 1 s schedule: ${ms(w.cpuMsPerCycle)} of CPU per cycle over ${w.cycles} cycles, RSS ${w.rssMb} MB (at most ${w.rssMaxMb})${goal}`);
}
const whole10k = whole.find((w) => w.systems === 10_000);
const whole50k = whole.find((w) => w.systems === 50_000);
const wholeScaling = whole10k && whole50k ? round(whole50k.cpuMsPerCycle / whole10k.cpuMsPerCycle, 2) : undefined;
if (wholeScaling !== undefined) log(`    50,000 vs 10,000: ${wholeScaling}× the CPU per cycle (linear would be 5×)`);
const whole100k = whole.find((w) => w.systems === 100_000);
if (whole10k && whole100k) log(`    100,000 vs 10,000: ${round(whole100k.cpuMsPerCycle / whole10k.cpuMsPerCycle, 2)}× the CPU per cycle (linear would be 10×)`);
const startUp = await benchStartToFirstRequest(5);
log(`2s. process start to the first request the simulator receives: median ${ms(startUp.medianMs)} of ${startUp.runs} starts, slowest ${ms(startUp.maxMs)} (goal ≤ 250 ms)`);

const latency = await benchLatency(quick ? 5 : 20);
log(`3. detection latency, 1 s schedule, ${latency.drops} drops: median ${ms(latency.medianMs)}, p95 ${ms(latency.p95Ms)}, max ${ms(latency.maxMs)} (goal: p95 ≤ 1,150 ms)`);

const idleSeconds = quick ? 15 : 60;
// Two at a time on two cores, the pairs to compare side by side: start-up times suffer when four start at once.
const [idle, idleAfterBoard] = await Promise.all([benchIdle(idleSeconds), benchIdle(idleSeconds, { board: true })]);
const [idleAfterAlert, idleOverTls] = await Promise.all([benchIdle(idleSeconds, { alerting: true }), benchIdle(idleSeconds, { tls: true })]);
log(`4. idle run, ${idle.seconds} s: RSS ${idle.rssMb} MB, the median over the last third (goal ≤ 80 MB), CPU ${idle.cpuSecondsTotal} s in all, ${idle.cpuSecondsIdle} s between cycles; start to first fetch ${ms(idle.startToFirstFetchMs)} (goal < 1 s)`);
const afterPairs = await benchIdleAfterPairs(10, quick ? 20 : 30);
log(`4p. idle after ${afterPairs.pairs} alert/resolve pairs (Slack over http, 1 s schedule), then ${afterPairs.seconds} s alone: RSS ${afterPairs.rssMb} MB, the median over the last half (goal ≤ 70 MB); ${afterPairs.cpuSecondsQuiet} s of CPU meanwhile`);
log(`   the same after alerting by Slack and email at start: RSS ${idleAfterAlert.rssMb} MB, ${idleAfterAlert.cpuSecondsIdle} s of CPU between cycles`);
log(`   the same with the APIs and Slack over https: RSS ${idleOverTls.rssMb} MB, ${idleOverTls.cpuSecondsIdle} s of CPU between cycles`);
log(`   the same after the board was opened (three visits): RSS ${idleAfterBoard.rssMb} MB, ${round(idleAfterBoard.rssMb - idle.rssMb)} MB more than without (goal < 3 MB)`);


const store = await benchStore(100, quick ? 7 : 90);
log(
  `5. store: ${store.rows.toLocaleString('en')} observations (100 accounts, ${quick ? 7 : 90} days of 5-minute checks: the default retention) = ${store.fileMb} MB (a year unpruned ≈ ${store.yearUnprunedMbEstimate} MB); status ${ms(store.statusCliMs)} as a command, ${ms(store.statusQueryMs)} of it in the store (goal < 200 ms)`,
);

const handOver = await benchHandOver(quick ? 2 : 5);
log(
  handOver
    ? `6. hand-over between two replicas on PostgreSQL, default ${handOver.leaseMs / 1000} s lease, leader stopped until the follower's first cycle (median of ${handOver.runs}): SIGTERM ${ms(handOver.sigterm.medianMs)} (slowest ${ms(handOver.sigterm.maxMs)}; goal about 1 s); kill -9 ${ms(handOver.sigkill.medianMs)} (slowest ${ms(handOver.sigkill.maxMs)}; goal within two leases, 30 s)`
    : '6. hand-over: not measured (no PostgreSQL server)',
);

const board = await benchBoard(1_000);
log(
  `7. board, 1,000 accounts with a day of 5-minute history: ${ms(board.pageMs)} per page (store reads and HTML; ${ms(board.renderMs)} of it the HTML, goal < 50 ms), median of 20; ${board.pageKb} KB, ${board.pageGzipKb} KB as sent (gzip); the first page after a start ${ms(board.firstPageMs)} (it reads the day of history)`,
);
log(
  `   chart data, one account over 30 days at 1,000 buckets: ${board.chart30dKb} KB (goal < 50 KB), built in ${ms(board.chart30dMs)}; the board's scripts and styles (its own and uPlot's): ${round(board.assetsGzipKb)} KB gzip (goal < 100 KB)`,
);

const backtest = await benchBacktest(quick ? 100 : 1_000, 30);
log(
  `8. backtest, ${backtest.observations.toLocaleString('en')} observations (${quick ? 100 : '1,000'} accounts, 30 days of a 5-minute heartbeat), the bin as a whole process: ${backtest.seconds} s (${backtest.usPerObservation} µs each; goal < 30 s at 8.6 million), peak RSS ${backtest.rssMb} MB (goal < 300 MB)`,
);

const file = path.resolve('bench-results.json');
writeFileSync(
  file,
  `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, quick, evaluator, cycles, scaling50kVs10k: scaling, latency, idle, idleAfterPairs: afterPairs, idleAfterAlert, idleOverTls, idleAfterBoard, board, whole, wholeScaling50kVs10k: wholeScaling, startUp, store, cyclePostgres10k: onPostgres, handOver, backtest }, null, 2)}\n`,
);
log(`\nfigures written to ${file}`);

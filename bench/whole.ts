import type { ChildProcess } from 'node:child_process';
import { spawnRun } from './bin.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Simulator } from '../src/simulator/simulator.js';
import { percentile, round } from './measure.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TICKS_PER_SECOND = 100;

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** CPU seconds (user + system, all threads) and resident memory of a process, from /proc. */
function procStats(pid: number): { cpuSeconds: number; rssMb: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, rssMb: rssKb / 1024 };
}

function world(systems: number): Simulator {
  const balances = Object.fromEntries(Array.from({ length: systems }, (_, i) => [`upi_${i}`, `${(100_000 + ((i * 7919) % 900_000)).toFixed(2)}`]));
  return new Simulator({ apay: { projectId: 1, apiKey: 'k', balances }, bepaid: { shopId: '1', secretKey: 's', accounts: [] } });
}

/** What a user runs (the bin, see spawnRun): `run` with one glob rule over every payment system, at a 1 s schedule, logging at info. */
function startRun(sim: Simulator, dir: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    `schedule: "* * * * * *"
state: ./state.db
http: { listen: false }
sources:
  - { id: apay, type: apay, base_url: "${sim.apayUrl}", project_id: 1, api_key: k, timeout: 30s, currencies: { "upi_*": INR } }
rules:
  - { name: UPI, source: apay, payment_system: "upi_*", warn_below: 50000, critical_below: 10000 }
`,
  );
  return spawnRun(config, { stdio: 'ignore', env: { LOG_LEVEL: 'info', ...extraEnv } });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
}

export interface WholeCycle {
  readonly systems: number;
  readonly cycles: number;
  /** The process's own CPU (all threads: GC, libuv) over the window, per cycle it ran. */
  readonly cpuMsPerCycle: number;
  /** Resident memory sampled every 250 ms over the window: the median, and the most. */
  readonly rssMb: number;
  readonly rssMaxMb: number;
}

/**
 * The daemon's whole cost per cycle, from outside: its CPU time over
 * `seconds` (after a warm-up) divided by the fetches the simulator saw, and its
 * resident memory at the end. Everything counts: parsing, metrics, history
 * writes, logging, the garbage collector.
 */
export async function benchWholeCycle(systems: number, seconds = 10, extraEnv: Record<string, string> = {}): Promise<WholeCycle> {
  const sim = await world(systems).start();
  const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-'));
  const child = startRun(sim, dir, extraEnv);
  try {
    // Warm-up: the first cycles create every alert row and let the JIT settle.
    await until('three cycles', () => sim.apay.requests >= 3, 120_000);
    const before = procStats(child.pid!);
    const requestsBefore = sim.apay.requests;
    const rss: number[] = [];
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      await sleep(250);
      rss.push(procStats(child.pid!).rssMb);
    }
    const after = procStats(child.pid!);
    const cycles = sim.apay.requests - requestsBefore;
    return {
      systems,
      cycles,
      cpuMsPerCycle: round(((after.cpuSeconds - before.cpuSeconds) * 1000) / Math.max(cycles, 1)),
      rssMb: round(percentile(rss, 50)),
      rssMaxMb: round(Math.max(...rss)),
    };
  } finally {
    await stop(child);
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Process start to the simulator receiving the first request, with a small config: the median of `runs` starts. */
export async function benchStartToFirstRequest(runs = 5): Promise<{ runs: number; medianMs: number; maxMs: number }> {
  const sim = await world(10).start();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-'));
    const before = sim.apay.requests;
    const started = performance.now();
    const child = startRun(sim, dir);
    await until('the first request', () => sim.apay.requests > before, 20_000);
    times.push(performance.now() - started);
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
  await sim.stop();
  return { runs, medianMs: round(percentile(times, 50)), maxMs: round(Math.max(...times)) };
}

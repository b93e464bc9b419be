import type { ChildProcess } from 'node:child_process';
import { spawnRun } from './bin.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEMO_WORLD } from '../src/simulator/demo-script.js';
import { Simulator } from '../src/simulator/simulator.js';
import { percentile, round } from './measure.js';

/** Where the benchmark makes its databases (and drops them). */
export const BENCH_POSTGRES = process.env['BALANCE_WATCH_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of the benchmark's own, on the test server; undefined when there is no server. */
export async function benchDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const name = `bw_bench_${randomBytes(5).toString('hex')}`;
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch {
    return undefined;
  }
  const url = new URL(BENCH_POSTGRES);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A `run` replica whose log lines are watched for the moment it takes the lease and first cycles as leader. */
class Replica {
  readonly child: ChildProcess;
  tookLeaseAt: number | undefined;
  firstCycleAsLeaderAt: number | undefined;

  constructor(config: string) {
    this.child = spawnRun(config, { stdio: ['ignore', 'pipe', 'ignore'], env: { LOG_LEVEL: 'info' } });
    let buffer = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (this.tookLeaseAt === undefined && line.includes('took the leader lease')) this.tookLeaseAt = performance.now();
        else if (this.tookLeaseAt !== undefined && this.firstCycleAsLeaderAt === undefined && line.includes('cycle of apay done')) this.firstCycleAsLeaderAt = performance.now();
      }
    });
  }

  get leading(): boolean {
    return this.firstCycleAsLeaderAt !== undefined;
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One hand-over: two replicas on a fresh database; the leader is stopped with `signal`; ms until the follower took the lease, and until its first cycle. */
async function handOver(sim: Simulator, signal: 'SIGTERM' | 'SIGKILL'): Promise<{ leaseMs: number; cycleMs: number }> {
  const db = await benchDatabase();
  if (!db) throw new Error('no PostgreSQL server');
  const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-'));
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    `schedule: "* * * * * *"
state: ${db.url}
http: { listen: false }
sources:
  - { id: apay, type: apay, base_url: "${sim.apayUrl}", project_id: 1234, api_key: demo-apay-key, currencies: { bkash_a: BDT, nagad_a: BDT, "upi_*": INR } }
rules:
  - { name: bKash, source: apay, payment_system: bkash_a, warn_below: 1000 }
`,
  );
  const first = new Replica(config);
  await until('a leader', () => first.leading, 15_000);
  const second = new Replica(config);
  // The follower is up and bidding before the leader goes.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const stoppedAt = performance.now();
  await first.stop(signal);
  await until('the follower to take over', () => second.leading, 60_000);
  await second.stop('SIGTERM');
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
  return { leaseMs: second.tookLeaseAt! - stoppedAt, cycleMs: second.firstCycleAsLeaderAt! - stoppedAt };
}

export interface HandOverFigures {
  readonly runs: number;
  readonly leaseMs: number;
  /** Default 15 s lease: the follower's wait is the lease running out. */
  readonly sigterm: { readonly medianMs: number; readonly maxMs: number };
  readonly sigkill: { readonly medianMs: number; readonly maxMs: number };
}

/** Hand-over on SIGTERM (the lease released) and on kill -9 (the lease left to expire), with the default 15 s lease: median of `runs`. */
export async function benchHandOver(runs = 5): Promise<HandOverFigures | undefined> {
  const probe = await benchDatabase();
  if (!probe) return undefined;
  await probe.drop();
  const sim = await new Simulator(DEMO_WORLD).start();
  const sigterm: number[] = [];
  for (let i = 0; i < runs; i += 1) sigterm.push((await handOver(sim, 'SIGTERM')).cycleMs);
  // The kill -9 runs wait out the lease; they run side by side (each on its own database), so the five take one lease, not five.
  const sigkill = (await Promise.all(Array.from({ length: runs }, () => handOver(sim, 'SIGKILL')))).map((r) => r.cycleMs);
  await sim.stop();
  const figures = (values: number[]) => ({ medianMs: round(percentile(values, 50)), maxMs: round(Math.max(...values)) });
  return { runs, leaseMs: 15_000, sigterm: figures(sigterm), sigkill: figures(sigkill) };
}

import type { ChildProcess } from 'node:child_process';
import { spawnRun } from './bin.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_WORLD } from '../src/simulator/demo-script.js';
import { Simulator } from '../src/simulator/simulator.js';
import { SlackSink } from '../src/simulator/slack-sink.js';
import { SmtpSink } from '../src/simulator/smtp-sink.js';
import { percentile, round } from './measure.js';
import { TEST_CA_FILE, TlsFront } from './tls-front.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function startDaemon(config: string, env: Record<string, string> = {}): { child: ChildProcess; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-'));
  writeFileSync(path.join(dir, 'config.yaml'), config);
  const child = spawnRun(path.join(dir, 'config.yaml'), { stdio: 'ignore', env: { LOG_LEVEL: 'warn', ...env } });
  return { child, dir };
}

async function stopDaemon(daemon: { child: ChildProcess; dir: string }): Promise<void> {
  const exited = new Promise((resolve) => daemon.child.once('exit', resolve));
  daemon.child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  rmSync(daemon.dir, { recursive: true, force: true });
}

function sources(urls: { readonly apayUrl: string; readonly bepaidUrl: string }): string {
  return `sources:
  - { id: apay, type: apay, base_url: "${urls.apayUrl}", project_id: 1234, api_key: demo-apay-key, currencies: { bkash_a: BDT, nagad_a: BDT, "upi_*": INR } }
  - id: bepaid
    type: bepaid
    base_url: "${urls.bepaidUrl}"
    shop_id: 361
    secret_key: demo-bepaid-secret
    accounts:
      - { name: usd-settlement, gateway_id: 1234, account: "40701810842020395221", currency: USD }
      - { name: rub-payouts, gateway_id: 1111, currency: RUB }`;
}

/** A drop in the simulator until the Slack sink has the message, with a 1 s schedule, `drops` times. */
export async function benchLatency(drops = 20): Promise<{ drops: number; medianMs: number; p95Ms: number; maxMs: number }> {
  const sim = await new Simulator(DEMO_WORLD).start();
  const slack = await new SlackSink().start();
  const daemon = startDaemon(`schedule: "* * * * * *"
state: ./state.db
http: { listen: false }
${sources(sim)}
channels:
  - { id: treasury, type: slack, webhook_url: "${slack.url}" }
defaults: { repeat: 0 }
rules:
  - { name: bKash agent float, source: apay, payment_system: bkash_a, warn_below: 50000 }
`);
  const latencies: number[] = [];
  try {
    await until('the first cycle', () => sim.apay.requests > 1, 10_000);
    for (let i = 0; i < drops; i += 1) {
      await sleep(Math.random() * 1000); // drops land anywhere within a schedule interval
      const before = slack.received.length;
      const droppedAt = Date.now();
      sim.setApayBalance('bkash_a', '1000.00');
      await until('the alert', () => slack.received.length > before, 10_000);
      latencies.push(slack.received[before]!.at - droppedAt);
      sim.setApayBalance('bkash_a', '80000.00');
      await until('the resolve', () => slack.received.length > before + 1, 10_000);
    }
  } finally {
    await stopDaemon(daemon);
    await Promise.all([sim.stop(), slack.stop()]);
  }
  return { drops, medianMs: round(percentile(latencies, 50)), p95Ms: round(percentile(latencies, 95)), maxMs: round(Math.max(...latencies)) };
}

/** A port nothing listens on now (the daemon's address must be known before it logs it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What a browser fetches: the page, its scripts and style sheets (uPlot's too), a row's chart in each range, and the status it polls. */
async function visitBoard(url: string): Promise<void> {
  const chart = (since: string) => `/api/history?rule=bKash%20agent%20float&account=bkash_a&since=${since}&points=130`;
  for (const path of ['/', '/board.js', '/board.css', '/uplot.js', '/uplot.css', chart('24h'), chart('7d'), chart('30d'), '/api/status']) {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
}

function procStats(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 per second)
  return { rssMb: round(rssKb / 1024), cpuSeconds: round(ticks / 100, 2) };
}

export interface IdleFigures {
  readonly seconds: number;
  readonly startToFirstFetchMs: number;
  /** The median of one sample a second over the last third of the run. */
  readonly rssMb: number;
  readonly cpuSecondsTotal: number;
  readonly cpuSecondsIdle: number;
}

/**
 * `run` on the example-sized config (2 sources, 4 rules, Slack and email) for
 * `seconds`: memory, CPU, start-up time. With `alerting`, a balance is already
 * low at start, so the daemon has sent by Slack and email before it is measured:
 * the state a daemon that has ever alerted idles in. With `tls`, the APIs and
 * Slack are reached over https, as in production.
 */
export async function benchIdle(seconds = 60, { alerting = false, tls = false, board = false } = {}): Promise<IdleFigures> {
  const sim = await new Simulator(DEMO_WORLD).start();
  const slack = await new SlackSink().start();
  const smtp = await new SmtpSink().start();
  const fronts = tls ? await Promise.all([sim.apayUrl, sim.bepaidUrl, slack.url].map((url) => new TlsFront(url).start())) : [];
  const [apayUrl, bepaidUrl, slackUrl] = tls ? fronts.map((front) => front.url()) : [sim.apayUrl, sim.bepaidUrl, slack.url];
  if (alerting) sim.setApayBalance('bkash_a', '20000.00');
  const port = await freePort();
  const started = Date.now();
  const daemon = startDaemon(
    `schedule: "*/5 * * * *"
state: ./state.db
http: { listen: "127.0.0.1:${port}" }
${sources({ apayUrl: apayUrl!, bepaidUrl: bepaidUrl! })}
channels:
  - { id: treasury, type: slack, webhook_url: "${slackUrl}" }
  - { id: finance, type: email, smtp_url: "${smtp.url}", from: alerts@example.com, to: [finance@example.com] }
rules:
  - { name: bKash agent float, source: apay, payment_system: bkash_a, warn_below: 50000, critical_below: 10000, notify: [treasury, finance] }
  - { name: UPI, source: apay, payment_system: "upi_*", warn_below: 200000 }
  - { name: USD settlement, source: bepaid, account: usd-settlement, warn_below: "1000.00" }
  - { name: RUB payouts, source: bepaid, account: rub-payouts, warn_below: 5000000 }
`,
    tls ? { NODE_EXTRA_CA_CERTS: TEST_CA_FILE } : {},
  );
  try {
    await until('the first fetch', () => sim.apay.requests > 0, 10_000);
    const startToFirstFetchMs = Date.now() - started;
    if (alerting) await until('the alert by Slack and email', () => slack.received.length > 0 && smtp.received.length > 0, 20_000);
    await sleep(5_000);
    // Someone opens the board and leaves it open for a few refreshes, then closes it.
    if (board) for (let i = 0; i < 3; i += 1) await visitBoard(`http://127.0.0.1:${port}`);
    const settled = procStats(daemon.child.pid!);
    // RSS moves by a few MB as the GC and malloc come and go: the median of one sample a second over the last third, not one sample.
    const rss: number[] = [];
    const sampleFrom = started + (seconds * 1000 * 2) / 3;
    while (Date.now() < started + seconds * 1000) {
      await sleep(1_000);
      if (Date.now() >= sampleFrom) rss.push(procStats(daemon.child.pid!).rssMb);
    }
    const end = procStats(daemon.child.pid!);
    return { seconds, startToFirstFetchMs, rssMb: round(percentile(rss, 50)), cpuSecondsTotal: end.cpuSeconds, cpuSecondsIdle: round(end.cpuSeconds - settled.cpuSeconds, 2) };
  } finally {
    await stopDaemon(daemon);
    await Promise.all([sim.stop(), slack.stop(), smtp.stop(), ...fronts.map((front) => front.stop())]);
  }
}

/**
 * The daemon after it has alerted and resolved `pairs` times (Slack over http,
 * a 1 s schedule, the example-sized config), then left alone for `seconds`:
 * what it holds once the alerts' messages, Slack's client and the delivery
 * path have all been through it. RSS: the median of a sample a second over the
 * last half of the quiet period.
 */
export async function benchIdleAfterPairs(pairs = 10, seconds = 30): Promise<{ pairs: number; seconds: number; rssMb: number; cpuSecondsQuiet: number }> {
  const sim = await new Simulator(DEMO_WORLD).start();
  const slack = await new SlackSink().start();
  const daemon = startDaemon(`schedule: "* * * * * *"
state: ./state.db
http: { listen: false }
${sources(sim)}
channels:
  - { id: treasury, type: slack, webhook_url: "${slack.url}" }
defaults: { repeat: 0 }
rules:
  - { name: bKash agent float, source: apay, payment_system: bkash_a, warn_below: 50000, critical_below: 10000 }
  - { name: UPI, source: apay, payment_system: "upi_*", warn_below: 200000 }
  - { name: USD settlement, source: bepaid, account: usd-settlement, warn_below: "1000.00" }
  - { name: RUB payouts, source: bepaid, account: rub-payouts, warn_below: 5000000 }
`);
  try {
    await until('the first cycle', () => sim.apay.requests > 1, 10_000);
    for (let i = 0; i < pairs; i += 1) {
      const before = slack.received.length;
      sim.setApayBalance('bkash_a', '20000.00');
      await until('the alert', () => slack.received.length > before, 10_000);
      sim.setApayBalance('bkash_a', '80000.00');
      await until('the resolve', () => slack.received.length > before + 1, 10_000);
    }
    const quietFrom = procStats(daemon.child.pid!);
    const rss: number[] = [];
    const end = Date.now() + seconds * 1000;
    const sampleFrom = Date.now() + (seconds * 1000) / 2;
    while (Date.now() < end) {
      await sleep(1_000);
      if (Date.now() >= sampleFrom) rss.push(procStats(daemon.child.pid!).rssMb);
    }
    const quietTo = procStats(daemon.child.pid!);
    return { pairs, seconds, rssMb: round(percentile(rss, 50)), cpuSecondsQuiet: round(quietTo.cpuSeconds - quietFrom.cpuSeconds, 2) };
  } finally {
    await stopDaemon(daemon);
    await Promise.all([sim.stop(), slack.stop()]);
  }
}

import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandIo } from '../cli/io.js';
import { parseConfigText } from '../config/load.js';
import { Daemon } from '../daemon/daemon.js';
import { createLogger } from '../daemon/logger.js';
import { createMetrics } from '../daemon/metrics.js';
import { cronScheduler } from '../daemon/scheduler.js';
import { defaultChannelDeps } from '../notify/channel-deps.js';
import { createHttpClient } from '../net/client.js';
import { DEFAULT_RETRY, realRetryDeps } from '../net/http.js';
import { DEMO_TIMELINE, DEMO_WORLD, demoConfig } from '../simulator/demo-script.js';
import { Simulator } from '../simulator/simulator.js';
import { type SlackDelivery, SlackSink } from '../simulator/slack-sink.js';
import { type ReceivedMail, SmtpSink } from '../simulator/smtp-sink.js';
import { SqliteStore } from '../store/sqlite/open.js';
import { ExitError } from '../cli/exit-error.js';

/** Slack's Block Kit as the plain text a person would read in the channel. */
function slackAsText(delivery: SlackDelivery): string {
  const lines = (delivery.payload.text ?? '').split('\n');
  return lines.map((line, i) => (i === 0 ? line : `    ${line}`)).join('\n');
}

function mailAsText(mail: ReceivedMail): string {
  return `to ${mail.to.join(', ')}: "${mail.subject}"`;
}

/**
 * `balance-watch demo`: the simulator (fake A-Pay and bePaid, a Slack and an
 * SMTP sink) on loopback, and the real daemon against it on a 2-second
 * schedule, with a script that walks through every kind of notification.
 */
export async function demo(_options: object, io: CommandIo): Promise<void> {
  const started = Date.now();
  const clock = () => `+${String(Math.round((Date.now() - started) / 1000)).padStart(2)}s`;
  const say = (text: string) => io.out(`${clock()}  ${text}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'balance-watch-demo-'));
  const sim = await new Simulator({ ...DEMO_WORLD, timeline: DEMO_TIMELINE, onStep: (step) => step.label && say(`simulator: ${step.label}`) }).start();
  const slack = await new SlackSink((d) => say(`Slack #treasury received: ${slackAsText(d)}`)).start();
  const smtp = await new SmtpSink(undefined, (m) => say(`Email ${mailAsText(m)}`)).start();
  const file = path.join(dir, 'config.yaml');
  const text = demoConfig({ apay: sim.apayUrl, bepaid: sim.bepaidUrl, slack: slack.url, smtp: smtp.url });
  writeFileSync(file, text);
  const loaded = parseConfigText(text, { file, env: io.env });
  if (!loaded.config) throw new ExitError(1, `the demo config is invalid: ${loaded.errors.map((e) => e.message).join('; ')}`);
  const store = SqliteStore.open(loaded.config.state);
  const daemon = new Daemon({
    log: createLogger({ level: io.env['LOG_LEVEL'] ?? 'warn' }),
    store,
    metrics: createMetrics(),
    scheduler: cronScheduler,
    // The demo's APIs are on this machine: short waits, so that a scripted fault shows quickly.
    sourceDeps: { http: createHttpClient(), retry: { ...DEFAULT_RETRY, baseDelayMs: 100 }, retryDeps: realRetryDeps },
    channelDeps: () => defaultChannelDeps({}),
    now: Date.now,
    random: Math.random,
  });
  const { url } = await daemon.start(loaded.config);
  io.out(
    [
      `Open the balance board: ${url}/   (it updates itself as the story unfolds)`,
      '',
      'balance-watch demo: a simulated A-Pay and bePaid, and Slack and email sinks, all on 127.0.0.1.',
      'The real daemon checks balances every 2 seconds; a script moves the balances. Within a minute you will see',
      'a runway forecast before any threshold is crossed, a warning, a quiet move inside the hysteresis band, an escalation',
      'to critical, an improvement, a digest and resolves after a top-up.',
      `Config: ${file}   State: ${loaded.config.state}`,
      `Metrics: ${url}/metrics   Health: ${url}/healthz   Ready: ${url}/readyz`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  io.out('\nstopping the demo…');
  await daemon.stop();
  await store.close();
  await Promise.all([sim.stop(), slack.stop(), smtp.stop()]);
  await rm(dir, { recursive: true, force: true });
}

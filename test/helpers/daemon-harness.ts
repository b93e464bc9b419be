import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { SlackSink } from '../../src/simulator/slack-sink.js';
import { SmtpSink } from '../../src/simulator/smtp-sink.js';
import { tempDir } from './cli.js';
import { DaemonProcess } from './daemon.js';
import { simulator } from './simulated.js';

/** What each test gets afresh: the simulated APIs, a Slack receiver, an SMTP server, and where its config goes. */
export interface SimulatedWorld {
  sim: Simulator;
  slack: SlackSink;
  smtp: SmtpSink;
  file: string;
}

/**
 * For a describe block: a fresh simulated world before each test, and the real
 * daemon started against it on demand; every daemon is killed and every server
 * stopped after the test. The block writes its own config to `world.file`.
 */
export function simulatedDaemons() {
  const world = {} as SimulatedWorld;
  const daemons: DaemonProcess[] = [];
  beforeEach(async () => {
    world.sim = await simulator().start();
    world.slack = await new SlackSink().start();
    world.smtp = await new SmtpSink().start();
    world.file = path.join(tempDir(), 'config.yaml');
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop('SIGKILL').catch(() => undefined)));
    await Promise.all([world.sim.stop(), world.slack.stop(), world.smtp.stop()]);
  });
  return {
    world,
    /** `run` on the config file, with the sinks' addresses in its environment, once its first cycle is done. */
    async start(): Promise<DaemonProcess> {
      const daemon = new DaemonProcess(['run', '-c', world.file], { SLACK_WEBHOOK_URL: world.slack.url, SMTP_URL: world.smtp.url, LOG_LEVEL: 'debug' });
      daemons.push(daemon);
      await daemon.waitForLog(/balance-watch started/);
      await daemon.nextCycles('apay');
      return daemon;
    },
    /** The text of every Slack message received so far. */
    slackTexts: () => world.slack.received.map((m) => m.payload.text ?? ''),
  };
}

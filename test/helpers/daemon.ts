import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from './cli.js';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** The real daemon as a child process, its JSON log lines parsed as they come. */
export class DaemonProcess {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    const take = (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        this.raw.push(line);
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line (the demo's narrative, a usage error)
        }
      }
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Waits until `predicate` holds, polling; fails with what was logged if it does not within `timeoutMs`. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${this.raw.slice(-30).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void> {
    return this.waitFor(`a log line matching ${pattern}`, () => this.raw.some((line) => pattern.test(line)), timeoutMs);
  }

  /** Cycles of a source finished so far. */
  cycles(source: string): number {
    return this.lines.filter((l) => l.msg === `cycle of ${source} done`).length;
  }

  /** Waits for `count` more cycles of a source. */
  async nextCycles(source: string, count = 1, timeoutMs = 15_000): Promise<void> {
    const target = this.cycles(source) + count;
    await this.waitFor(`${count} more cycle(s) of ${source}`, () => this.cycles(source) >= target, timeoutMs);
  }

  get httpUrl(): string {
    const line = this.lines.find((l) => typeof l['url'] === 'string' && l.msg.includes('metrics and health on'));
    return String(line?.['url'] ?? '').replace(/\/metrics$/, '');
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Stops it with `signal` and resolves with its exit status (failing after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<number | null> {
    this.child.kill(signal);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const result = await Promise.race([this.exited, timer]);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`did not exit within ${timeoutMs} ms of ${signal}`);
    }
    return result;
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApayWorld, handleApay } from './apay-api.js';
import { type BepaidWorld, handleBepaid, type SimulatedBepaidAccount } from './bepaid-api.js';
import type { Fault } from './faults.js';

/** A change to the simulated balances at a moment after start. */
export interface TimelineStep {
  readonly atMs: number;
  readonly apay?: Readonly<Record<string, string>>;
  /** Minor units by account number. */
  readonly bepaid?: Readonly<Record<string, bigint>>;
  readonly label?: string;
}

export interface SimulatorOptions {
  readonly apay: { readonly projectId: number; readonly apiKey: string; readonly balances: Readonly<Record<string, string>> };
  readonly bepaid: { readonly shopId: string; readonly secretKey: string; readonly accounts: readonly SimulatedBepaidAccount[] };
  /** Balances follow these steps over time, applied as requests arrive. */
  readonly timeline?: readonly TimelineStep[];
  readonly now?: () => number;
  readonly onStep?: (step: TimelineStep) => void;
}

/**
 * Fake A-Pay and bePaid APIs on loopback, speaking exactly the documented formats,
 * with scripted balances and switchable faults. Used by `demo`, the end-to-end
 * tests and the benchmarks.
 */
export class Simulator {
  readonly apay: ApayWorld;
  readonly bepaid: BepaidWorld;
  private readonly servers: Server[] = [];
  private readonly timeline: TimelineStep[];
  private readonly now: () => number;
  private startedAt = 0;
  apayUrl = '';
  bepaidUrl = '';

  constructor(private readonly options: SimulatorOptions) {
    this.apay = { ...options.apay, balances: new Map(Object.entries(options.apay.balances)), fault: 'none', requests: 0 };
    this.bepaid = { ...options.bepaid, accounts: options.bepaid.accounts.map((a) => ({ ...a })), fault: 'none', requests: 0 };
    this.timeline = [...(options.timeline ?? [])].sort((a, b) => a.atMs - b.atMs);
    this.now = options.now ?? Date.now;
  }

  async start(host = '127.0.0.1'): Promise<this> {
    this.startedAt = this.now();
    this.apayUrl = await this.listen(host, (req, res) => {
      this.advance();
      handleApay(this.apay, req, res);
    });
    this.bepaidUrl = await this.listen(host, (req, res) => {
      this.advance();
      handleBepaid(this.bepaid, req, res).catch(() => res.destroy());
    });
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
    this.servers.length = 0;
  }

  setApayBalance(name: string, balance: string): void {
    this.apay.balances.set(name, balance);
  }

  removeApaySystem(name: string): void {
    this.apay.balances.delete(name);
  }

  setBepaidAmount(account: string, minorUnits: bigint): void {
    const target = this.bepaid.accounts.find((a) => a.account === account);
    if (!target) throw new Error(`the simulator has no bePaid account ${account}`);
    target.amount = minorUnits;
  }

  setFault(api: 'apay' | 'bepaid', fault: Fault): void {
    this[api].fault = fault;
  }

  /** Applies every timeline step that is due. */
  private advance(): void {
    const elapsed = this.now() - this.startedAt;
    while (this.timeline.length > 0 && this.timeline[0]!.atMs <= elapsed) {
      const step = this.timeline.shift()!;
      for (const [name, balance] of Object.entries(step.apay ?? {})) this.setApayBalance(name, balance);
      for (const [account, amount] of Object.entries(step.bepaid ?? {})) this.setBepaidAmount(account, amount);
      this.options.onStep?.(step);
    }
  }

  private listen(host: string, handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        const { port } = server.address() as AddressInfo;
        resolve(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
      });
    });
  }
}

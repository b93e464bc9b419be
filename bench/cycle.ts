import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../src/config/load.js';
import { createHttpClient } from '../src/net/client.js';
import { DEFAULT_RETRY, realRetryDeps, sendWithRetry } from '../src/net/http.js';
import { digestsFor } from '../src/notify/routing.js';
import { planCycle } from '../src/rules/cycle.js';
import { parseApayResponse } from '../src/sources/apay.js';
import { createBepaidSource } from '../src/sources/bepaid.js';
import { MAX_RESPONSE_BYTES } from '../src/sources/source.js';
import { Simulator } from '../src/simulator/simulator.js';
import { openStore } from '../src/store/open.js';
import { dueWrites, rememberWrites, SourceMemory } from '../src/daemon/source-cycle.js';
import { measure, type Timing } from './measure.js';

export interface CyclePhases {
  readonly systems: number;
  readonly fetch: Timing;
  readonly parse: Timing;
  readonly load: Timing;
  readonly evaluate: Timing;
  readonly persist: Timing;
  readonly queue: Timing;
  readonly bepaid200: Timing;
  /** CPU of parse + load + evaluate + persist + queue: what balance-watch itself spends per cycle. */
  readonly cpuMs: number;
  /** The same, for the slowest of the measured cycles. */
  readonly cpuMsMax: number;
}

/** A full A-Pay cycle for `systems` payment systems (one glob rule covering them), phase by phase: the median of several after a warm-up. */
export async function benchCycle(systems: number, state?: string): Promise<CyclePhases> {
  const balances = Object.fromEntries(Array.from({ length: systems }, (_, i) => [`upi_${i}`, `${(100_000 + ((i * 7919) % 900_000)).toFixed(2)}`]));
  const accounts = Array.from({ length: 200 }, (_, i) => ({ gatewayId: 1000 + i, account: `4070181084202039${String(i).padStart(4, '0')}`, amount: 1_000_000n + BigInt(i), currency: 'USD' }));
  const sim = await new Simulator({ apay: { projectId: 1, apiKey: 'k', balances }, bepaid: { shopId: '1', secretKey: 's', accounts } }).start();
  const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-'));
  const text = `schedule: "*/5 * * * *"
state: ./state.db
sources:
  - { id: apay, type: apay, base_url: "${sim.apayUrl}", project_id: 1, api_key: k, currencies: { "upi_*": INR } }
  - id: bepaid
    type: bepaid
    base_url: "${sim.bepaidUrl}"
    shop_id: 1
    secret_key: s
    concurrency: 16
    accounts:
${accounts.map((a, i) => `      - { name: acct-${i}, gateway_id: ${a.gatewayId}, account: "${a.account}", currency: USD }`).join('\n')}
rules:
  - { name: UPI, source: apay, payment_system: "upi_*", warn_below: 200000, critical_below: 50000 }
${accounts.map((_, i) => `  - { name: acct-${i}, source: bepaid, account: acct-${i}, warn_below: 5000 }`).join('\n')}
`;
  const config = parseConfigText(text, { file: path.join(dir, 'config.yaml'), env: {} }).config!;
  const apay = config.sources[0]!;
  const store = await openStore(state ?? config.state);
  const http = createHttpClient();
  const url = `${sim.apayUrl}/Remotes/payment-systems-balances?project_id=1`;
  const signal = new AbortController().signal;

  const memory = new SourceMemory();
  const once = async (now: number) => {
    const fetch = await measure(() => sendWithRetry(http, { method: 'GET', url, headers: { apikey: 'k' }, timeoutMs: 30_000, maxBytes: MAX_RESPONSE_BYTES, signal }, DEFAULT_RETRY, realRetryDeps));
    const response = fetch.result.outcome;
    if (!response.ok) throw new Error(response.error.message);
    const parse = await measure(() => parseApayResponse(response.value, apay.type === 'apay' ? apay : { currencies: {} }));
    // As the daemon does: states read once and kept, and only what is due written (see src/daemon/write-policy.ts).
    const load = await measure(async () => (memory.states ??= await store.loadStates('apay')));
    const evaluate = await measure(() => planCycle(config, apay, parse.result, load.result, now));
    const plan = evaluate.result;
    const queue = await measure(() => digestsFor(config, 'apay', plan.events));
    const persist = await measure(async () => {
      const due = dueWrites(plan, load.result, memory, now);
      await store.commitCycle({ source: 'apay', now, alerts: due.alerts, observations: due.observations, outbox: queue.result });
      rememberWrites(memory, load.result, plan, due, now);
    });
    return { fetch: fetch.timing, parse: parse.timing, load: load.timing, evaluate: evaluate.timing, persist: persist.timing, queue: queue.timing };
  };
  // A daemon runs cycle after cycle: after a warm-up (which also creates every alert row),
  // the cycle of median CPU out of several, five minutes apart, is the figure; one sample swings by ±20 %.
  const samples = systems >= 50_000 ? 3 : 5;
  const start = Date.now() - (samples + 1) * 300_000;
  await once(start);
  const measured: Omit<CyclePhases, 'systems' | 'bepaid200' | 'cpuMs' | 'cpuMsMax'>[] = [];
  for (let i = 1; i <= samples; i += 1) measured.push(await once(start + i * 300_000));
  const ownCpu = (p: (typeof measured)[number]) => p.parse.cpuMs + p.load.cpuMs + p.evaluate.cpuMs + p.persist.cpuMs + p.queue.cpuMs;
  const phases = [...measured].sort((a, b) => ownCpu(a) - ownCpu(b))[Math.floor(samples / 2)]!;
  const bepaidConfig = config.sources[1];
  if (bepaidConfig?.type !== 'bepaid') throw new Error('the benchmark config has no bePaid source');
  const bepaid = createBepaidSource(bepaidConfig, { http, retry: DEFAULT_RETRY, retryDeps: realRetryDeps });
  const bepaid200 = await measure(() => bepaid.fetchBalances(signal));
  await store.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
  return { systems, ...phases, bepaid200: bepaid200.timing, cpuMs: ownCpu(phases), cpuMsMax: Math.max(...measured.map(ownCpu)) };
}

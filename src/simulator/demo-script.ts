import type { SimulatorOptions, TimelineStep } from './simulator.js';

/**
 * What the demo shows within about a minute on a 2-second schedule: a warning,
 * a quiet move inside the hysteresis band, an escalation, an improvement, a
 * digest of two alerts, and the resolves after a top-up.
 */
/** Nagad falls 4,000 BDT every 2 seconds from 200,000: on course for critical long before it is even a warning. */
const NAGAD_DECLINE: TimelineStep[] = Array.from({ length: 20 }, (_, i) => ({
  atMs: 2_000 * (i + 1),
  apay: { nagad_a: `${200_000 - 4_000 * (i + 1)}.00` },
  ...(i === 0 ? { label: 'Nagad float starts falling steadily, 2,000 BDT a second (its rule has runway_below: 90s)' } : {}),
}));

export const DEMO_TIMELINE: readonly TimelineStep[] = [
  ...NAGAD_DECLINE,
  { atMs: 6_000, apay: { bkash_a: '45000.00' }, label: 'bKash agent float drops to 45,000 BDT (warning below 50,000)' },
  { atMs: 12_000, apay: { bkash_a: '51500.00' }, label: 'bKash rises to 51,500 BDT: inside the hysteresis band (recovers at 55,000), so nobody is bothered' },
  { atMs: 18_000, apay: { bkash_a: '8500.00' }, label: 'bKash falls to 8,500 BDT (critical below 10,000)' },
  { atMs: 26_000, apay: { bkash_a: '21000.00' }, label: 'a partial top-up: bKash at 21,000 BDT, better but still low' },
  { atMs: 34_000, apay: { upi_fast: '150000.00', upi_p2p: '90000.00' }, bepaid: { '40701810842020395221': 80_000n }, label: 'two UPI channels and the USD settlement account drop at once' },
  { atMs: 44_000, apay: { bkash_a: '250000.00', nagad_a: '400000.00', upi_fast: '900000.00', upi_p2p: '800000.00' }, bepaid: { '40701810842020395221': 2_500_000n }, label: 'treasury tops everything up' },
  { atMs: 52_000, label: 'the demo has shown its story; it keeps running until Ctrl-C' },
];

export const DEMO_WORLD: Omit<SimulatorOptions, 'timeline'> = {
  apay: { projectId: 1234, apiKey: 'demo-apay-key', balances: { bkash_a: '80000.00', nagad_a: '200000.00', upi_fast: '600000.00', upi_p2p: '500000.00' } },
  bepaid: {
    shopId: '361',
    secretKey: 'demo-bepaid-secret',
    accounts: [
      { gatewayId: 1234, account: '40701810842020395221', amount: 1_500_000n, currency: 'USD' },
      { gatewayId: 1111, account: '30101810400000000225', amount: 1_290_092_162n, currency: 'RUB' },
    ],
  },
};

/** The demo's config, pointing at the simulator and sinks. */
export function demoConfig(urls: { apay: string; bepaid: string; slack: string; smtp: string }): string {
  return `# The demo's config: the same format as yours, pointed at the built-in simulator.
schedule: "*/2 * * * * *"          # every 2 seconds, so that things happen fast
state: ./state.db
http:
  listen: 127.0.0.1:0
sources:
  - id: apay
    type: apay
    base_url: ${urls.apay}
    project_id: 1234
    api_key: demo-apay-key
    currencies: { bkash_a: BDT, nagad_a: BDT, "upi_*": INR }
  - id: bepaid
    type: bepaid
    base_url: ${urls.bepaid}
    shop_id: 361
    secret_key: demo-bepaid-secret
    accounts:
      - { name: usd-settlement, gateway_id: 1234, account: "40701810842020395221", currency: USD }
      - { name: rub-payouts, gateway_id: 1111, currency: RUB }
channels:
  - { id: treasury, type: slack, webhook_url: "${urls.slack}" }
  - { id: finance, type: email, smtp_url: "${urls.smtp}", from: "Balance Watch <alerts@example.com>", to: [finance@example.com] }
defaults:
  notify: [treasury]
  hysteresis: 10%
  repeat: 0
rules:
  - { name: bKash agent float, source: apay, payment_system: bkash_a, warn_below: 50000, critical_below: 10000, notify: [treasury, finance] }
  - { name: Nagad float, source: apay, payment_system: nagad_a, warn_below: 150000, critical_below: 50000, runway_below: 90s, runway_window: 1m }
  - { name: UPI, source: apay, payment_system: "upi_*", warn_below: 200000, critical_below: 50000 }
  - { name: USD settlement, source: bepaid, account: usd-settlement, warn_below: "1000.00", critical_below: 250 }
  - { name: RUB payouts, source: bepaid, account: rub-payouts, warn_below: 5000000 }
`;
}

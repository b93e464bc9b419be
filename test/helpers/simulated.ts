import { Simulator, type SimulatorOptions } from '../../src/simulator/simulator.js';

export const SIM_APAY_KEY = 'sim-apay-key-SECRET1';
export const SIM_BEPAID_SECRET = 'sim-bepaid-SECRET2';

/** A simulator with two A-Pay payment systems and two bePaid accounts, all comfortably funded. */
export function simulator(overrides: Partial<SimulatorOptions> = {}): Simulator {
  return new Simulator({
    apay: { projectId: 1234, apiKey: SIM_APAY_KEY, balances: { bkash_a: '80000.00', upi_fast: '500000.00', upi_p2p: '400000.00' } },
    bepaid: {
      shopId: '42',
      secretKey: SIM_BEPAID_SECRET,
      accounts: [
        { gatewayId: 1234, account: '40701810842020395221', amount: 500_000n, currency: 'USD' },
        { gatewayId: 1111, account: '30101810400000000225', amount: 1_290_092_162n, currency: 'RUB' },
      ],
    },
    ...overrides,
  });
}

/**
 * Slack (treasury) and email (finance) channels read from SLACK_WEBHOOK_URL and
 * SMTP_URL, and defaults notifying `notify` without repeats.
 */
export function channelsYaml(notify = '[treasury, finance]', extraDefaults = ''): string {
  return `channels:
  - id: treasury
    type: slack
    webhook_url: \${SLACK_WEBHOOK_URL}
  - id: finance
    type: email
    smtp_url: \${SMTP_URL}
    from: "Balance Watch <alerts@example.com>"
    to: [finance@example.com]
defaults:
  notify: ${notify}
  repeat: 0${extraDefaults}`;
}

/** A config for the simulator, with `extra` appended (more rules, channels, settings). */
export function simulatedConfig(sim: Simulator, options: { schedule?: string; state?: string; extra?: string; rules?: string; timeout?: string } = {}): string {
  return `schedule: "${options.schedule ?? '*/5 * * * *'}"
state: ${options.state ?? './state.db'}
http:
  listen: false
sources:
  - id: apay
    type: apay
    base_url: ${sim.apayUrl}
    project_id: 1234
    api_key: ${SIM_APAY_KEY}
    timeout: ${options.timeout ?? '2s'}
    currencies:
      bkash_a: BDT
      "upi_*": INR
  - id: bepaid
    type: bepaid
    base_url: ${sim.bepaidUrl}
    shop_id: 42
    secret_key: ${SIM_BEPAID_SECRET}
    timeout: ${options.timeout ?? '2s'}
    accounts:
      - name: usd-settlement
        gateway_id: 1234
        account: "40701810842020395221"
        currency: USD
      - name: rub-payouts
        gateway_id: 1111
        currency: RUB
${options.extra ?? ''}
rules:
${
  options.rules ??
  `  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 50000
    critical_below: 10000
  - name: UPI
    source: apay
    payment_system: "upi_*"
    warn_below: 200000
  - name: USD settlement
    source: bepaid
    account: usd-settlement
    warn_below: "1000.00"
    critical_below: 250
`
}`;
}

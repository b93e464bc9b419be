/** A valid config used as the base of config tests; each test changes one thing. */
export const VALID_CONFIG = `schedule: "*/5 * * * *"
sources:
  - id: apay
    type: apay
    base_url: https://apay.example.com
    project_id: 1234
    api_key: \${APAY_API_KEY}
    currencies:
      bkash_a: BDT
  - id: bepaid
    type: bepaid
    shop_id: 42
    secret_key: \${BEPAID_SECRET_KEY}
    accounts:
      - name: usd-settlement
        gateway_id: 1234
        account: "40701810842020395221"
        currency: USD
channels:
  - id: treasury
    type: slack
    webhook_url: \${SLACK_WEBHOOK_URL}
rules:
  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 50000
    critical_below: 10000
  - name: USD settlement
    source: bepaid
    account: usd-settlement
    warn_below: "1000.00"
`;

export const TEST_ENV = {
  APAY_API_KEY: 'apay-secret-key-123',
  BEPAID_SECRET_KEY: 'bepaid-secret-key-456',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/SECRETSLACK',
  SMTP_URL: 'smtp://alerts:smtp-password-789@mail.example.com:587',
};

export const SECRETS = ['apay-secret-key-123', 'bepaid-secret-key-456', 'SECRETSLACK', 'smtp-password-789'];

/**
 * A "billion laughs" file: 9 anchors, each a list aliasing the one before 9
 * times, so the last expands to 9^9 (387 million) values when aliases are followed.
 */
export function aliasBomb(levels = 9): string {
  let text = 'schedule: "* * * * *"\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < levels; i += 1) text += `x${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
  return `${text}rules: *a${levels - 1}\n`;
}

/** A mapping nested `levels` deep, in flow style: `a: {a: {a: … 1 …}}`. */
export const deeplyNested = (levels: number): string => `schedule: "* * * * *"\nrules: ${'{a: '.repeat(levels)}1${'}'.repeat(levels)}\n`;

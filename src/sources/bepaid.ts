import { z } from 'zod';
import { currencyField, durationField, idField, integerField, secretField, urlField } from '../config/fields.js';

export const bepaidAccountSchema = z
  .strictObject({
    name: idField('How rules and messages name this account (optional; the account number is used otherwise).').optional(),
    gateway_id: integerField('The payment gateway id bePaid gave you.', { min: 1 }),
    account: z
      .union([z.string(), z.number()])
      .transform(String)
      .optional()
      .describe("The provider's account number; leave it out for the provider's default account."),
    currency: currencyField('The account currency (ISO 4217); a response in another currency is an error.').optional(),
  })
  .describe('One bePaid balance to watch.');

export const bepaidConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this source (`source: bepaid`).'),
    type: z.literal('bepaid').describe('A bePaid shop: one balance request per account.'),
    base_url: urlField('bePaid API address.').prefault('https://api.bepaid.by'),
    shop_id: z
      .union([z.string(), z.number()], { error: 'must be your bePaid shop id' })
      .transform(String)
      .describe('bePaid shop id (the HTTP Basic user name).'),
    secret_key: secretField('bePaid shop secret key. Use ${BEPAID_SECRET_KEY} rather than the key itself.'),
    accounts: z.array(bepaidAccountSchema).min(1, 'list at least one account').describe('The accounts to watch.'),
    timeout: durationField('How long one request may take before it is abandoned and retried.').prefault('10s'),
    concurrency: integerField('How many requests this source may have in flight at once.', { min: 1, max: 64 }).prefault(8),
  })
  .describe('A bePaid source.');

export type BepaidConfig = z.output<typeof bepaidConfigSchema>;
export type BepaidAccountConfig = z.output<typeof bepaidAccountSchema>;

/** How rules and messages name an account: its name, else its number, else its gateway. */
export function bepaidAccountLabel(account: BepaidAccountConfig): string {
  return account.name ?? account.account ?? `gateway ${account.gateway_id}`;
}

import { z } from 'zod';
import { currencyField, durationField, idField, integerField, secretField, urlField } from '../config/fields.js';

export const apayConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this source (`source: apay`).'),
    type: z.literal('apay').describe('An A-Pay project: one request returns every payment system balance.'),
    base_url: urlField('A-Pay API address, e.g. https://apay.example.com (https unless the host is loopback).'),
    project_id: integerField('Your A-Pay project id.', { min: 1 }),
    api_key: secretField('A-Pay API key, sent in the `apikey` header. Use ${APAY_API_KEY} rather than the key itself.'),
    currencies: z
      .record(z.string(), currencyField('ISO 4217 code'))
      .optional()
      .describe(
        'Currency of each payment system, by exact name or glob (e.g. "upi_*": INR). A-Pay does not report one; it is used for display and decimal places.',
      ),
    timeout: durationField('How long one request may take before it is abandoned and retried.').prefault('10s'),
    concurrency: integerField('How many requests this source may have in flight at once.', { min: 1, max: 64 }).prefault(8),
  })
  .describe('An A-Pay source.');

export type ApayConfig = z.output<typeof apayConfigSchema>;

import { z } from 'zod';
import { idField, secretField } from '../config/fields.js';

const address = z.string({ error: 'must be an email address' }).regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an email address such as finance@example.com');

export const emailConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this channel (`notify: [finance]`).'),
    type: z.literal('email').describe('Email over SMTP.'),
    smtp_url: secretField(
      'smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS). It holds a password: use ${SMTP_URL}.',
    ),
    from: z.string({ error: 'must be a sender such as "Balance Watch <alerts@example.com>"' }).min(3).describe('The sender, e.g. "Balance Watch <alerts@example.com>".'),
    to: z
      .union([address, z.array(address).min(1, 'list at least one recipient')])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .describe('Recipients: one address or a list.'),
  })
  .describe('An email channel.');

export type EmailConfig = z.output<typeof emailConfigSchema>;

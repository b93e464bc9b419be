import { z } from 'zod';
import type { CommandIo } from '../cli/io.js';
import { configSchema } from '../config/schema.js';

/** The config's JSON Schema, generated from the zod schema that validates it, so the two never drift. */
export function configJsonSchema(): Record<string, unknown> {
  // Draft 7 is the dialect every editor's YAML support understands.
  const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
  return { ...generated, title: 'balance-watch configuration' };
}

/** `balance-watch schema`: prints the JSON Schema for editors (yaml-language-server). */
export function schema(_options: object, io: CommandIo): void {
  io.out(JSON.stringify(configJsonSchema(), null, 2));
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/commands/schema.js';
import { ROOT, runCli } from '../helpers/cli.js';

describe('balance-watch schema', () => {
  it('prints the JSON Schema generated from the zod schema', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(printed).toEqual(configJsonSchema());
    expect(printed['additionalProperties']).toBe(false);
  });

  it('describes rule settings for editors', () => {
    const schema = configJsonSchema() as { properties: { rules: { items: { properties: Record<string, { description?: string }>; additionalProperties: boolean } } } };
    const rule = schema.properties.rules.items;
    expect(rule.additionalProperties).toBe(false);
    expect(rule.properties['warn_below']?.description).toMatch(/Warn when the balance is below/);
    expect(Object.keys(rule.properties)).toEqual(expect.arrayContaining(['name', 'source', 'payment_system', 'account', 'critical_below', 'hysteresis', 'for', 'repeat', 'stale_after', 'notify']));
  });

  it('matches the committed config.schema.json (run `npm run schema` after changing the config schema)', () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, 'config.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(configJsonSchema());
  });
});

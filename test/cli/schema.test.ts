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

describe('the JSON Schema in an editor', () => {
  it('accepts config.example.yaml and flags a typo, as yaml-language-server would', async () => {
    const { Ajv } = await import('ajv');
    const { parse } = await import('yaml');
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(path.join(ROOT, 'config.schema.json'), 'utf8')) as object);
    const example = parse(readFileSync(path.join(ROOT, 'config.example.yaml'), 'utf8')) as { rules: Record<string, unknown>[] };
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    example.rules[0] = { ...example.rules[0], warn_bellow: 1 };
    expect(validate(example)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty?: string }).additionalProperty === 'warn_bellow')).toBe(true);
  });
});

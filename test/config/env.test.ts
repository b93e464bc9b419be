import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/config/env.js';

describe('interpolate', () => {
  const env = { KEY: 'secret-value', EMPTY: '' };

  it.each([
    ['${KEY}', 'secret-value'],
    ['a-${KEY}-b', 'a-secret-value-b'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${MISSING:-}', ''],
    ['$$5', '$5'],
    ['plain $ sign', 'plain $ sign'],
  ])('%j becomes %j', (text, expected) => {
    expect(interpolate(text, env)).toEqual({ ok: true, value: expected });
  });

  it('names a missing variable and never echoes values', () => {
    const result = interpolate('${KEY} ${NOPE}', env);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain('NOPE');
      expect(result.error.message).not.toContain('secret-value');
    }
  });

  it('refuses a malformed reference', () => {
    const result = interpolate('${1BAD}', env);
    expect(result.ok).toBe(false);
  });
});

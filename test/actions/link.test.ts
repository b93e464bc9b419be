import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimApplies, type LinkClaim, signLink, verifyLink } from '../../src/actions/link.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = Date.parse('2026-12-02T09:14:00Z');
const CLAIM: LinkClaim = { action: 'ack', rule: 'bKash agent float', account: 'bkash_a', episode: NOW - 3_600_000, expires: NOW + 7 * 86_400_000 };
const SILENCE: LinkClaim = { ...CLAIM, action: 'silence', until: NOW + 7_200_000 };

const claims = fc.record({
  action: fc.constantFrom('ack' as const, 'silence' as const),
  rule: fc.string({ minLength: 1, maxLength: 40 }),
  account: fc.string({ minLength: 1, maxLength: 40 }),
  episode: fc.integer({ min: 0, max: 2 ** 45 }),
  expires: fc.integer({ min: 0, max: 2 ** 45 }),
  until: fc.integer({ min: 0, max: 2 ** 45 }),
}).map(({ until, ...claim }): LinkClaim => (claim.action === 'silence' ? { ...claim, until } : claim));

describe('action links', () => {
  it('round-trip: a signed claim verifies as itself until it expires', () => {
    fc.assert(
      fc.property(claims, (claim) => {
        const token = signLink(claim, SECRET);
        expect(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)).toBe(true);
        expect(verifyLink(token, SECRET, claim.expires)).toEqual({ ok: true, claim });
        expect(verifyLink(token, SECRET, claim.expires + 1)).toEqual({ ok: false, why: 'expired' });
      }),
    );
  });

  it('rejects every single changed character of a token', () => {
    for (const claim of [CLAIM, SILENCE]) {
      const token = signLink(claim, SECRET);
      for (let i = 0; i < token.length; i += 1) {
        for (const replacement of ['A', 'z', '0', '-', '.']) {
          if (token[i] === replacement) continue;
          const changed = `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
          const result = verifyLink(changed, SECRET, NOW);
          expect(result.ok, `position ${i} as ${replacement}`).toBe(false);
        }
      }
    }
  });

  it('never verifies under another secret (a rotated secret invalidates old links)', () => {
    fc.assert(
      fc.property(claims, fc.string({ minLength: 32, maxLength: 64 }), (claim, other) => {
        fc.pre(other !== SECRET);
        expect(verifyLink(signLink(claim, SECRET), other, 0)).toEqual({ ok: false, why: 'tampered' });
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['no signature', 'abc'],
    ['two dots', 'a.b.c'],
    ['a short signature', 'WyJhY2siXQ.c2ln'],
    ['not base64url', 'ab+c/.AAAA'],
    ['absurdly long', `${'A'.repeat(3_000)}.${'A'.repeat(43)}`],
  ])('says a %s token is malformed, and never throws', (_what, token) => {
    expect(verifyLink(token, SECRET, NOW)).toEqual({ ok: false, why: 'malformed' });
  });

  it('says a well-signed token of the wrong form is malformed (a claim with a silence end but no silence)', () => {
    const forged = Buffer.from(JSON.stringify(['ack', 'r', 'a', 1, NOW + 1, 5])).toString('base64url');
    const token = `${forged}.${createHmac('sha256', SECRET).update(`bw1.${forged}`).digest('base64url')}`;
    expect(verifyLink(token, SECRET, NOW)).toEqual({ ok: false, why: 'malformed' });
  });

  it.each<[string, { level: string; since: number } | undefined, ReturnType<typeof claimApplies>]>([
    ['firing in the same episode', { level: 'warning', since: CLAIM.episode }, { ok: true }],
    ['escalated in the same episode', { level: 'critical', since: CLAIM.episode }, { ok: true }],
    ['resolved since', { level: 'ok', since: NOW }, { ok: false, why: 'resolved' }],
    ['firing again, a later episode', { level: 'warning', since: CLAIM.episode + 60_000 }, { ok: false, why: 'another-episode' }],
    ['gone from the store', undefined, { ok: false, why: 'no-alert' }],
  ])('applies only to the episode it was sent for: %s', (_what, state, expected) => {
    expect(claimApplies(CLAIM, state)).toEqual(expected);
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * An action link is a capability: whoever holds it may take its one action on
 * its one alert until it expires, with no account and no password. So it says
 * exactly what it allows (the action, the alert, the firing episode, the
 * expiry), in a canonical encoding, signed with HMAC-SHA256 under
 * actions.secret. The signature is checked, in constant time, before anything
 * else is read from the link or from the store. It carries nothing else: no
 * secret, nothing that names the installation beyond the alert's own names.
 */

/** What a link may do. */
export type LinkAction = 'ack' | 'silence' | 'ack-all';

/**
 * `ack` and `silence` name one alert (`rule`, `account`) and its firing
 * episode. `ack-all` names a digest: every alert of source `account` whose
 * news went out in the check at time `episode` (`rule` is empty).
 */
export interface LinkClaim {
  readonly action: LinkAction;
  readonly rule: string;
  readonly account: string;
  /** The firing episode (when the alert began firing), or a digest's check time: a link cannot act on a later episode. */
  readonly episode: number;
  /** ms since the epoch after which the link does nothing. */
  readonly expires: number;
  /** For `silence`: until when (ms since the epoch). */
  readonly until?: number;
}

export type LinkCheck =
  | { readonly ok: true; readonly claim: LinkClaim }
  | { readonly ok: false; readonly why: 'malformed' | 'tampered' | 'expired' };

/** The encoding's version: a change of the canonical form is a new one, and old links stop verifying. */
const FORMAT = 'bw1';
/** A link's token is short; anything longer is not ours, and is refused before any work. */
const MAX_TOKEN_LENGTH = 2_048;
const SIGNATURE_BYTES = 32;

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${FORMAT}.${payload}`).digest();
}

/** The canonical form: a JSON array in a fixed order, so one claim has exactly one encoding. */
function canonical(claim: LinkClaim): string {
  const fields: (string | number)[] = [claim.action, claim.rule, claim.account, claim.episode, claim.expires];
  if (claim.until !== undefined) fields.push(claim.until);
  return base64url(Buffer.from(JSON.stringify(fields), 'utf8'));
}

/** The token of a link: `PAYLOAD.SIGNATURE`, both base64url, safe in a URL path as they are. */
export function signLink(claim: LinkClaim, secret: string): string {
  const payload = canonical(claim);
  return `${payload}.${base64url(sign(secret, payload))}`;
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function parseClaim(payload: string): LinkClaim | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length < 5 || fields.length > 6) return undefined;
  const [action, rule, account, episode, expires, until] = fields as unknown[];
  if ((action !== 'ack' && action !== 'silence' && action !== 'ack-all') || typeof rule !== 'string' || typeof account !== 'string' || !isTime(episode) || !isTime(expires)) return undefined;
  if (action === 'silence' ? !isTime(until) : until !== undefined) return undefined;
  const claim: LinkClaim = { action, rule, account, episode, expires, ...(until === undefined ? {} : { until: until as number }) };
  // Only the one canonical encoding verifies: the same claim written another way is not ours.
  return canonical(claim) === payload ? claim : undefined;
}

/** Checks a link's token: its signature first (constant time), then its form, then its expiry. Never throws. */
export function verifyLink(token: string, secret: string, now: number): LinkCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, why: 'malformed' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, why: 'malformed' };
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || given.length !== SIGNATURE_BYTES || base64url(given) !== token.slice(dot + 1)) return { ok: false, why: 'malformed' };
  if (!timingSafeEqual(given, sign(secret, payload))) return { ok: false, why: 'tampered' };
  const claim = parseClaim(payload);
  if (!claim) return { ok: false, why: 'malformed' };
  return now > claim.expires ? { ok: false, why: 'expired' } : { ok: true, claim };
}

/** Why a verified link does nothing now. */
export type Inapplicable = 'no-alert' | 'resolved' | 'another-episode';

/**
 * Whether a verified link still applies to the alert as it stands: it must be
 * firing (its level, or its runway), in the episode the link was sent for: a
 * later episode is new news, which an old link must not silence.
 */
export function claimApplies(
  claim: LinkClaim,
  state: { readonly level: string; readonly since: number; readonly runwaySince?: number } | undefined,
): { readonly ok: true } | { readonly ok: false; readonly why: Inapplicable } {
  if (!state) return { ok: false, why: 'no-alert' };
  const levelFiring = state.level !== 'ok';
  if (!levelFiring && state.runwaySince === undefined) return { ok: false, why: 'resolved' };
  const episodes = [...(levelFiring ? [state.since] : []), ...(state.runwaySince === undefined ? [] : [state.runwaySince])];
  return episodes.includes(claim.episode) ? { ok: true } : { ok: false, why: 'another-episode' };
}

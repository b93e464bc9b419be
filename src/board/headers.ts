import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** Only the page's own script and style sheet; no inline code, no frames, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** Below this a body goes as it is: compressing would cost more than it saves. */
const COMPRESS_FROM_BYTES = 2_048;

/**
 * Live data is never cached; the versioned script and style sheet are, for a
 * day. A large page goes gzipped to a client that accepts it (a thousand
 * accounts are about 480 KB of HTML and a tenth of that on the wire).
 */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  cache: 'live' | 'asset' = 'live',
  acceptEncoding = '',
): void {
  const raw = Buffer.from(body, 'utf8');
  const gzip = raw.length >= COMPRESS_FROM_BYTES && /\bgzip\b/.test(acceptEncoding);
  const payload = gzip ? gzipSync(raw, { level: 6 }) : raw;
  res
    .writeHead(status, {
      ...SECURITY_HEADERS,
      'Content-Type': contentType,
      'Content-Length': payload.length,
      'Cache-Control': cache === 'live' ? 'no-store' : 'public, max-age=86400, immutable',
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    })
    .end(payload);
}

export const sendJson = (res: ServerResponse, status: number, value: unknown, acceptEncoding = ''): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`, 'live', acceptEncoding);

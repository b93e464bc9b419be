import type { ServerResponse } from 'node:http';

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

/** Live data is never cached; the versioned script and style sheet are, for a day. */
export function send(res: ServerResponse, status: number, contentType: string, body: string, cache: 'live' | 'asset' = 'live', extra: Record<string, string> = {}): void {
  res
    .writeHead(status, {
      ...SECURITY_HEADERS,
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': cache === 'live' ? 'no-store' : 'public, max-age=86400, immutable',
      ...extra,
    })
    .end(body);
}

export const sendJson = (res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`, 'live', extra);

import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { SECURITY_HEADERS } from '../http-security.js';

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

/** For data a script reads (a chart's buckets): no indentation, which would be a third of it. */
export const sendCompactJson = (res: ServerResponse, status: number, value: unknown, acceptEncoding = ''): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, 'live', acceptEncoding);

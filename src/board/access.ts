import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpAccess } from '../config/types.js';

/** Equal-length digests compared in constant time: neither the length nor the content of a secret leaks through timing. */
function same(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether `authorization` (the request header) satisfies http.auth or http.token; open when neither is set. */
export function isAuthorized(authorization: string | undefined, access: HttpAccess): boolean {
  if (!access.basic && !access.token) return true;
  if (!authorization) return false;
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (access.token && scheme?.toLowerCase() === 'bearer') return same(credentials, access.token);
  if (access.basic && scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const split = decoded.indexOf(':');
    if (split < 0) return false;
    // Both halves are always compared, so a wrong user name takes as long as a wrong password.
    const user = same(decoded.slice(0, split), access.basic.username);
    const password = same(decoded.slice(split + 1), access.basic.password);
    return user && password;
  }
  return false;
}

/** The challenge a 401 carries: Basic makes a browser ask for the user name and password. */
export function challenge(access: HttpAccess): string {
  return access.basic ? 'Basic realm="balance-watch", charset="UTF-8"' : 'Bearer realm="balance-watch"';
}

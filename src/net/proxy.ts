import { getProxyForUrl } from 'proxy-from-env';
import { err, ok, type Result } from '../result.js';
import { isLoopbackHost } from './loopback.js';

const variable = (name: string): string | undefined => process.env[name.toLowerCase()] || process.env[name.toUpperCase()] || undefined;

/** Which variable proxy-from-env took the proxy from: the error message names it. */
function sourceVariable(url: URL): string {
  const own = `${url.protocol.replace(/:$/, '')}_proxy`;
  return (variable(own) ? own : 'all_proxy').toUpperCase();
}

/**
 * The proxy for a request, as proxy-from-env reads HTTPS_PROXY, HTTP_PROXY,
 * ALL_PROXY and NO_PROXY (lower case first, then upper, as curl does). Two
 * decisions are ours: loopback is never proxied, as in Go's net/http, so the
 * simulator and local relays stay reachable; and a variable that is set but
 * unusable is an error, never a silent direct connection.
 */
export function proxyFor(url: URL): Result<URL | undefined> {
  if (isLoopbackHost(url.hostname)) return ok(undefined);
  const chosen = getProxyForUrl(url);
  if (!chosen) return ok(undefined);
  const name = sourceVariable(url);
  const problem = err(`${name} is not a proxy URL such as http://proxy.example.com:3128`);
  // proxy-from-env gives a scheme-less value the target's scheme; curl reads it as plain http, as proxies speak.
  const raw = (variable(name) ?? chosen).trim();
  let proxy: URL;
  try {
    proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return problem;
  }
  if ((proxy.protocol !== 'http:' && proxy.protocol !== 'https:') || proxy.hostname === '') return problem;
  return ok(proxy);
}

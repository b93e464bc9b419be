import { err, ok, type Result } from '../result.js';
import { basicAuthorization } from './basic-auth.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Proxy {
  readonly host: string;
  readonly port: number;
  /** `Proxy-Authorization`, from the user and password in the proxy's URL. */
  readonly authorization?: string;
}

const variable = (env: Environment, name: string) => env[name] ?? env[name.toUpperCase()];
const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. */
function hostAndPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1]!, bracketed[2]];
  if (entry.split(':').length > 2) return [entry, undefined];
  const [host = '', port] = entry.split(':');
  return [host, port];
}

/** Whether NO_PROXY (`*`, hosts, `.domain` or `domain` suffixes, each with an optional `:port`) exempts this URL. */
function exempt(url: URL, env: Environment): boolean {
  const list = variable(env, 'no_proxy');
  if (!list) return false;
  const host = bare(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name, entryPort] = hostAndPort(entry.toLowerCase().replace(/^\*/, ''));
      if (entryPort !== undefined && entryPort !== port) return false;
      const suffix = name.startsWith('.') ? name.slice(1) : name;
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * The proxy for a request, from https_proxy / http_proxy and no_proxy (lower
 * case first, then upper, as curl reads them). Loopback addresses are never
 * proxied, as in Go's net/http: the simulator and local relays stay reachable.
 * A variable that is set but unusable is an error, never a silent direct connection.
 */
export function proxyFor(url: URL, env: Environment): Result<Proxy | undefined> {
  if (isLoopback(bare(url.hostname))) return ok(undefined);
  const name = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const raw = variable(env, name)?.trim();
  if (!raw || exempt(url, env)) return ok(undefined);
  const problem = err(`${name.toUpperCase()} is not a proxy URL such as http://proxy.example.com:3128`);
  let proxy: URL;
  try {
    proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return problem;
  }
  // The tunnel to the proxy itself is plain http, as with curl's default; TLS runs inside it, end to end.
  if (proxy.protocol !== 'http:' || proxy.hostname === '') return problem;
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return ok({
    host: bare(proxy.hostname),
    port: Number(proxy.port) || 80,
    ...(user || password ? { authorization: basicAuthorization(user, password) } : {}),
  });
}

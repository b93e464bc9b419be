import type { Agent, ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

type ConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];

/** The proxy answered CONNECT with something other than 200: its status says whose configuration is at fault. */
export class ProxyRefusedError extends Error {
  readonly code = 'PROXY_REFUSED';
  constructor(readonly proxyStatus: number) {
    super(`the proxy answered CONNECT with HTTP ${proxyStatus}`);
    this.name = 'ProxyRefusedError';
  }
}

export interface ProxyAgentOptions {
  readonly keepAlive: boolean;
  readonly idleSocketMs: number;
  /** Certificates to trust for the server at the tunnel's end (tests; users set NODE_EXTRA_CA_CERTS). */
  readonly ca?: string;
}

/**
 * https-proxy-agent, with two things it leaves to its caller: it replays a
 * refused CONNECT's answer as if the API had sent it (a proxy's 407 would read
 * as the API refusing our credentials), so a refusal becomes an error of its
 * own; and the TLS options of the tunnelled connection come from the request,
 * which axios does not fill, so a test's CA is added here.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    private readonly ca: string | undefined,
    options: ProxyAgentOptions,
  ) {
    super(proxy, { keepAlive: options.keepAlive, timeout: options.idleSocketMs, ...(ca === undefined ? {} : { ca }) });
  }

  override async connect(request: ClientRequest, options: ConnectOptions): Promise<Socket> {
    let status = 200;
    request.once('proxyConnect', (answer: { statusCode?: number }) => (status = answer.statusCode ?? 0));
    const socket = await super.connect(request, this.ca === undefined ? options : ({ ...options, ca: this.ca } as ConnectOptions));
    if (status !== 200) {
      socket.destroy();
      throw new ProxyRefusedError(status);
    }
    return socket;
  }
}

/**
 * The agent that sends through `proxy`: a CONNECT tunnel for https targets,
 * so TLS runs end to end and the proxy never sees the API's credentials; the
 * absolute form for plain http targets. Loaded only when a proxy is set.
 */
export function createProxyAgent(proxy: URL, secureTarget: boolean, options: ProxyAgentOptions): Agent {
  if (secureTarget) return new TunnelAgent(proxy, options.ca, options);
  return new HttpProxyAgent(proxy, { keepAlive: options.keepAlive, timeout: options.idleSocketMs });
}

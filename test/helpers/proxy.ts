import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { vi } from 'vitest';

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'];

/** The proxy variables exactly as a test sets them, none of the machine's; undone by vi.unstubAllEnvs(). */
export function proxyEnvironment(variables: Record<string, string>): void {
  for (const name of PROXY_VARIABLES) vi.stubEnv(name, variables[name] ?? '');
}

export interface ProxiedRequest {
  readonly method: string;
  /** The request target as the proxy received it: an absolute URL, or host:port for CONNECT. */
  readonly target: string;
  readonly proxyAuthorization?: string;
}

/**
 * A forward proxy on 127.0.0.1 that sends every host name to 127.0.0.1, so a
 * test can name its servers (`api.test`) and see that the client let the proxy
 * resolve them. It answers CONNECT with `connectStatus` and records what passed.
 */
export class TestProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Every byte that went through tunnels, client to server: TLS keeps secrets out of it. */
  tunnelled = '';
  connectStatus = 200;
  /** Reset each tunnel as soon as it is open, as a proxy that drops connections does. */
  dropTunnels = false;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((incoming, outgoing) => {
      this.record(incoming);
      const url = new URL(incoming.url ?? '/');
      const { 'proxy-authorization': _dropped, ...headers } = incoming.headers;
      const forwarded = request({ host: '127.0.0.1', port: url.port, path: `${url.pathname}${url.search}`, method: incoming.method, headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('connect', (incoming: IncomingMessage, client: Socket, head: Buffer) => {
      this.record(incoming);
      if (this.connectStatus !== 200) {
        client.end(`HTTP/1.1 ${this.connectStatus} Refused\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      if (this.dropTunnels) {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => client.resetAndDestroy());
        return;
      }
      const port = Number((incoming.url ?? '').split(':').pop());
      const server = connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        server.write(head);
        client.on('data', (chunk: Buffer) => (this.tunnelled += chunk.toString('latin1')));
        client.pipe(server).pipe(client);
      });
      server.on('error', () => client.destroy());
      client.on('error', () => server.destroy());
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private record(incoming: IncomingMessage): void {
    const auth = incoming.headers['proxy-authorization'];
    this.requests.push({ method: incoming.method ?? '', target: incoming.url ?? '', ...(auth === undefined ? {} : { proxyAuthorization: auth }) });
  }
}

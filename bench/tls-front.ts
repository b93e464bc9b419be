import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The test certificate (api.test, localhost, 127.0.0.1); a process trusts it through NODE_EXTRA_CA_CERTS. */
export const TEST_CA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/tls/cert.pem');

/**
 * An https server on 127.0.0.1 passing every request on to a plain-http one:
 * the simulator and the sinks speak http, production APIs speak TLS.
 */
export class TlsFront {
  private readonly server: Server;

  constructor(private readonly target: string) {
    const key = readFileSync(path.join(path.dirname(TEST_CA_FILE), 'key.pem'));
    this.server = createServer({ cert: readFileSync(TEST_CA_FILE), key }, (incoming, outgoing) => {
      const to = new URL(this.target);
      const forwarded = request({ host: to.hostname, port: to.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
    });
  }

  /** The target's URL with its scheme and port replaced by the front's. */
  url(of: string = this.target): string {
    const url = new URL(of);
    url.protocol = 'https:';
    url.port = String((this.server.address() as AddressInfo).port);
    return url.toString().replace(/\/$/, '');
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

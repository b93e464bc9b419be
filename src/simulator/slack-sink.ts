import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackDelivery {
  readonly at: number;
  readonly path: string;
  readonly payload: { text?: string; blocks?: unknown[]; attachments?: unknown[] };
}

/**
 * A Slack incoming-webhook receiver on loopback: answers like Slack ("ok"),
 * records what it got, and can fail on demand (5xx, 429 with Retry-After, 404).
 */
export class SlackSink {
  readonly received: SlackDelivery[] = [];
  /** Status to answer with for the next `failures` requests. */
  private failing: { status: number; remaining: number; retryAfter?: string } | undefined;
  private server: Server | undefined;
  url = '';

  constructor(private readonly onMessage?: (delivery: SlackDelivery) => void) {}

  async start(host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        if (this.failing && this.failing.remaining > 0) {
          this.failing.remaining -= 1;
          const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
          if (this.failing.retryAfter) headers['Retry-After'] = this.failing.retryAfter;
          res.writeHead(this.failing.status, headers);
          res.end(this.failing.status === 404 ? 'no_service' : this.failing.status === 429 ? 'rate_limited' : 'internal_error');
          return;
        }
        let payload: SlackDelivery['payload'];
        try {
          payload = JSON.parse(body) as SlackDelivery['payload'];
        } catch {
          res.writeHead(400, { 'Content-Type': 'text/plain' });
          res.end('invalid_payload');
          return;
        }
        const delivery = { at: Date.now(), path: req.url ?? '/', payload };
        this.received.push(delivery);
        this.onMessage?.(delivery);
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}/services/T000/B000/sinkTOKEN0secret`;
    return this;
  }

  /** Answer the next `count` requests with `status` (e.g. 503, or 429 with a Retry-After). */
  failNext(count: number, status = 503, retryAfter?: string): void {
    this.failing = { status, remaining: count, ...(retryAfter === undefined ? {} : { retryAfter }) };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

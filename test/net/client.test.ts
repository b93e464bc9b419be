import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient } from '../../src/net/client.js';
import type { HttpRequest } from '../../src/net/http.js';
import { proxyEnvironment, TestProxy } from '../helpers/proxy.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const TLS = { cert: readFileSync(new URL('../fixtures/tls/cert.pem', import.meta.url), 'utf8'), key: readFileSync(new URL('../fixtures/tls/key.pem', import.meta.url), 'utf8') };

interface Served {
  readonly url: string;
  readonly port: number;
  readonly seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  connections: number;
}

const cleanup: (() => Promise<void>)[] = [];
beforeEach(() => proxyEnvironment({}));
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(cleanup.splice(0).map((stop) => stop()));
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void, secure = false): Promise<Served> {
  const sockets = new Set<Socket>();
  const served: Served = { url: '', port: 0, seen: [], connections: 0 };
  const listener: RequestListener = (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      served.seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      handler(request, response);
    });
  };
  const server: Server = secure ? createHttpsServer(TLS, listener) : createHttpServer(listener);
  server.on('connection', (socket: Socket) => {
    served.connections += 1;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cleanup.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return Object.assign(served, { port, url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}` });
}

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({ method: 'GET', url, timeoutMs: 2_000, maxBytes: 1_000, ...extra });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

describe('the HTTP client', () => {
  it('sends headers, basic auth and a JSON body, and returns any status as a response', async () => {
    const server = await serve(json(503, { busy: true }, { 'Retry-After': '7' }));
    const outcome = await createHttpClient().send({
      method: 'POST',
      url: `${server.url}/v1/balance?x=1`,
      headers: { 'X-Api-Key': 'k' },
      json: { request: { currency: 'USD' } },
      basicAuth: { username: '361', password: 'secret' },
      timeoutMs: 2_000,
      maxBytes: 1_000,
    });
    expect(outcome).toEqual({ ok: true, value: { status: 503, contentType: 'application/json', text: '{"busy":true}', retryAfter: '7' } });
    const [seen] = server.seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/balance?x=1', body: '{"request":{"currency":"USD"}}' });
    expect(seen!.headers).toMatchObject({
      'x-api-key': 'k',
      authorization: `Basic ${Buffer.from('361:secret').toString('base64')}`,
      'content-type': 'application/json',
      'user-agent': `balance-watch/${version}`,
    });
  });

  it('does not follow redirects: a 3xx is the answer', async () => {
    const server = await serve((_, response) => {
      response.writeHead(302, { Location: 'http://127.0.0.1:9/elsewhere' });
      response.end();
    });
    const outcome = await createHttpClient().send(get(server.url));
    expect(outcome).toMatchObject({ ok: true, value: { status: 302 } });
    expect(server.seen).toHaveLength(1);
  });

  it('reuses a connection within a cycle', async () => {
    const server = await serve(json(200, {}));
    const client = createHttpClient();
    for (let i = 0; i < 3; i += 1) expect((await client.send(get(server.url))).ok).toBe(true);
    expect(server.connections).toBe(1);
  });

  it('decompresses a gzip body, and refuses a corrupt gzip or brotli one', async () => {
    const body = JSON.stringify({ balance: '1.00' });
    const good = await serve((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      response.end(gzipSync(body));
    });
    const badGzip = await serve((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      response.end('not gzip at all');
    });
    const badBrotli = await serve((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
      response.end('not brotli either');
    });
    const client = createHttpClient();
    expect(await client.send(get(good.url))).toMatchObject({ ok: true, value: { text: body } });
    expect(good.seen[0]!.headers['accept-encoding']).toMatch(/gzip/);
    expect(good.seen[0]!.headers['accept-encoding']).toMatch(/br/);
    for (const bad of [badGzip, badBrotli]) {
      expect(await client.send(get(bad.url))).toMatchObject({ ok: false, error: { reason: 'bad_response', retryable: false } });
    }
  });

  it.each([
    ['a declared length', (_: IncomingMessage, response: ServerResponse) => response.end('x'.repeat(5_000))],
    ['a chunked body', (_: IncomingMessage, response: ServerResponse) => {
      response.write('x'.repeat(800));
      response.end('x'.repeat(800));
    }],
    ['a small gzip that inflates past the cap', (_: IncomingMessage, response: ServerResponse) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip' });
      response.end(gzipSync('0'.repeat(1_000_000)));
    }],
  ])('refuses a body larger than allowed: %s', async (_, handler) => {
    const server = await serve(handler);
    const outcome = await createHttpClient().send(get(server.url));
    expect(outcome).toEqual({ ok: false, error: { reason: 'bad_response', retryable: false, message: 'the response was larger than allowed' } });
  });

  it('gives one deadline to the whole exchange, so a trickling server times out too', async () => {
    const silent = await serve(() => undefined);
    const trickling = await serve((_, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(timer));
    });
    const client = createHttpClient();
    for (const server of [silent, trickling]) {
      const started = Date.now();
      expect(await client.send(get(server.url, { timeoutMs: 300, maxBytes: 1_000_000 }))).toEqual({
        ok: false,
        error: { reason: 'timeout', retryable: true, message: 'no answer within 0.3s' },
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });

  it('tells a cancellation (shutting down) from a caller\'s timeout signal', async () => {
    const server = await serve(() => undefined);
    const client = createHttpClient();
    const controller = new AbortController();
    const cancelled = client.send(get(server.url, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await cancelled).toMatchObject({ ok: false, error: { reason: 'cancelled', retryable: false } });
    expect(await client.send(get(server.url, { signal: AbortSignal.timeout(50) }))).toMatchObject({ ok: false, error: { reason: 'timeout' } });
  });

  it('classifies transport failures without exposing the request', async () => {
    const dead = await serve(() => undefined);
    await Promise.all(cleanup.splice(0).map((stop) => stop()));
    const garbage = createTcpServer((socket) => socket.end('hello, this is not HTTP\r\n\r\n'));
    const garbageSockets = new Set<Socket>();
    garbage.on('connection', (socket: Socket) => garbageSockets.add(socket));
    const cut = await serve((_, response) => {
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      for (const socket of garbageSockets) socket.destroy();
      await new Promise((resolve) => garbage.close(resolve));
    });
    const client = createHttpClient();
    const secret = { basicAuth: { username: 'shop', password: 'hunter2' } };
    const outcomes = [
      await client.send(get(dead.url, secret)),
      await client.send(get(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}`, secret)),
      await client.send(get(cut.url, secret)),
    ];
    expect(outcomes.map((outcome) => !outcome.ok && [outcome.error.reason, outcome.error.retryable, outcome.error.message])).toEqual([
      ['network', true, 'connection refused (is the host and port right, and the service up?)'],
      ['network', true, expect.stringMatching(/^the server's answer was not valid HTTP \(HPE_/)],
      ['network', true, 'the connection was closed unexpectedly'],
    ]);
    expect(JSON.stringify(outcomes)).not.toMatch(/hunter2|aHVudGVyMg|shop/);
  });

  it('refuses a certificate it does not trust, saying how to trust it', async () => {
    const server = await serve(json(200, {}), true);
    const outcome = await createHttpClient().send(get(server.url));
    expect(outcome).toMatchObject({ ok: false, error: { reason: 'network', retryable: false, message: expect.stringMatching(/TLS certificate was not accepted .*NODE_EXTRA_CA_CERTS/) } });
    expect(await createHttpClient({ ca: TLS.cert }).send(get(server.url))).toMatchObject({ ok: true, value: { status: 200 } });
  });
});

describe('the HTTP client behind a proxy', () => {
  const start = async () => {
    const proxy = await new TestProxy().start();
    cleanup.push(() => proxy.stop());
    return proxy;
  };

  it('sends a plain-http request through HTTP_PROXY in absolute form, with the proxy\'s credentials', async () => {
    const proxy = await start();
    const server = await serve(json(200, { via: 'proxy' }));
    proxyEnvironment({ HTTP_PROXY: proxy.url.replace('http://', 'http://ops:p%40ss@') });
    const outcome = await createHttpClient().send(get(`http://api.test:${server.port}/balances?id=1`));
    expect(outcome).toMatchObject({ ok: true, value: { text: '{"via":"proxy"}' } });
    expect(proxy.requests).toEqual([{ method: 'GET', target: `http://api.test:${server.port}/balances?id=1`, proxyAuthorization: `Basic ${Buffer.from('ops:p@ss').toString('base64')}` }]);
    expect(server.seen[0]!.headers['proxy-authorization']).toBeUndefined();
  });

  it('tunnels https through HTTPS_PROXY with CONNECT, so the proxy never sees the API\'s credentials', async () => {
    const proxy = await start();
    const server = await serve(json(200, { via: 'tunnel' }), true);
    proxyEnvironment({ https_proxy: proxy.url });
    const client = createHttpClient({ ca: TLS.cert });
    const outcome = await client.send(get(`https://api.test:${server.port}/x`, { basicAuth: { username: 'shop', password: 'hunter2' } }));
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true, value: { text: '{"via":"tunnel"}' } });
    expect(proxy.requests).toEqual([{ method: 'CONNECT', target: `api.test:${server.port}` }]);
    expect(server.seen[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('shop:hunter2').toString('base64')}`);
    // What crossed the tunnel is TLS (a handshake record starts 0x16 0x03), not the request in the clear.
    expect(proxy.tunnelled.slice(0, 2)).toBe('\x16\x03');
    expect(proxy.tunnelled).not.toContain(Buffer.from('shop:hunter2').toString('base64'));
  });

  it('reports a proxy\'s refusal, retrying only when the proxy itself is failing', async () => {
    const proxy = await start();
    proxyEnvironment({ HTTPS_PROXY: proxy.url });
    const client = createHttpClient();
    proxy.connectStatus = 407;
    expect(await client.send(get('https://api.test:443/x'))).toEqual({
      ok: false,
      error: { reason: 'network', retryable: false, message: 'the proxy refused to connect to the server (check HTTPS_PROXY, its credentials and NO_PROXY): it answered HTTP 407' },
    });
    proxy.connectStatus = 502;
    expect(await client.send(get('https://api.test:443/x'))).toMatchObject({ ok: false, error: { retryable: true } });
  });

  it('fails a request, and only it, when the proxy drops the tunnel', async () => {
    const proxy = await start();
    proxy.dropTunnels = true;
    proxyEnvironment({ HTTPS_PROXY: proxy.url });
    const outcome = await createHttpClient({ ca: TLS.cert }).send(get('https://api.test:443/x'));
    expect(outcome).toMatchObject({ ok: false, error: { reason: 'network', retryable: true } });
  });

  it('refuses a proxy variable it cannot use rather than going direct', async () => {
    proxyEnvironment({ HTTPS_PROXY: 'socks5://proxy.example.com:1080' });
    const outcome = await createHttpClient().send(get('https://api.test/x'));
    expect(outcome).toEqual({ ok: false, error: { reason: 'network', retryable: false, message: 'HTTPS_PROXY is not a proxy URL such as http://proxy.example.com:3128' } });
  });

  it('goes direct to loopback and to hosts in NO_PROXY', async () => {
    const proxy = await start();
    const server = await serve(json(200, {}));
    proxyEnvironment({ HTTP_PROXY: proxy.url, NO_PROXY: 'internal.example' });
    const client = createHttpClient();
    expect(await client.send(get(server.url))).toMatchObject({ ok: true });
    // Direct, so the name is looked up here, where it does not exist: the proxy would have taken it.
    expect(await client.send(get('http://internal.example/x'))).toMatchObject({ ok: false, error: { reason: 'network' } });
    expect(proxy.requests).toEqual([]);
  });
});

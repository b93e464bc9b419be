import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon.js';
import { TestProxy } from '../helpers/proxy.js';

const TLS = { cert: readFileSync(new URL('../fixtures/tls/cert.pem', import.meta.url), 'utf8'), key: readFileSync(new URL('../fixtures/tls/key.pem', import.meta.url), 'utf8') };
const API_KEY = 'leak-apay-KEY-777';
const SHOP_SECRET = 'leak-bepaid-SECRET-888';
const PROXY_PASSWORD = 'leak-proxy-PASS-999';
const SECRETS = [
  API_KEY,
  SHOP_SECRET,
  Buffer.from(`361:${SHOP_SECRET}`).toString('base64'),
  PROXY_PASSWORD,
  Buffer.from(`ops:${PROXY_PASSWORD}`).toString('base64'),
];

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((stop) => stop()));
});

async function serve(listener: RequestListener, secure = false): Promise<string> {
  const server: Server = secure ? createHttpsServer(TLS, listener) : createHttpServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `${secure ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function config(baseUrl: string): string {
  return `schedule: "* * * * * *"
state: ./state.db
http: { listen: false }
sources:
  - { id: apay, type: apay, base_url: "${baseUrl}", project_id: 1234, api_key: ${API_KEY}, timeout: 1s }
  - { id: bepaid, type: bepaid, base_url: "${baseUrl}", shop_id: 361, secret_key: ${SHOP_SECRET}, timeout: 1s, accounts: [{ name: usd, gateway_id: 1234, currency: USD }] }
channels:
  - { id: treasury, type: slack, webhook_url: "http://127.0.0.1:9/services/T/B/hook" }
rules:
  - { name: bKash, source: apay, payment_system: bkash_a, warn_below: 50000 }
  - { name: USD, source: bepaid, account: usd, warn_below: 1000 }
`;
}

/**
 * Every way a request can fail, at LOG_LEVEL=debug, through the real daemon:
 * what users see in their logs names the cause and never a credential, although
 * the HTTP client's error objects carry the request's headers.
 */
describe('no secret in the logs when a request fails', () => {
  const scenarios: [string, () => Promise<{ baseUrl: string; env?: Record<string, string> }>, RegExp][] = [
    [
      'credentials refused (401)',
      async () => ({
        baseUrl: await serve((_, response) => {
          response.writeHead(401, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify({ success: false, code: 401, message: 'Unauthorized' }));
        }),
      }),
      /refused the credentials/,
    ],
    ['a timeout', async () => ({ baseUrl: await serve(() => undefined) }), /no answer within 1s/],
    [
      'connection refused',
      async () => {
        const url = await serve(() => undefined);
        await cleanup.pop()!();
        return { baseUrl: url };
      },
      /connection refused/,
    ],
    ['an untrusted certificate', async () => ({ baseUrl: await serve(() => undefined, true) }), /TLS certificate was not accepted .*NODE_EXTRA_CA_CERTS/],
    [
      'a proxy refusing with 407',
      async () => {
        const proxy = await new TestProxy().start();
        proxy.connectStatus = 407;
        cleanup.push(() => proxy.stop());
        return { baseUrl: 'https://api.test', env: { HTTPS_PROXY: proxy.url.replace('http://', `http://ops:${PROXY_PASSWORD}@`) } };
      },
      /proxy refused to connect .*HTTP 407/,
    ],
  ];

  it.each(scenarios)('%s', async (_, setUp, cause) => {
    const { baseUrl, env = {} } = await setUp();
    const dir = tempDir({ 'config.yaml': config(baseUrl) });
    const daemon = new DaemonProcess(['run', '-c', path.join(dir, 'config.yaml')], { LOG_LEVEL: 'debug', ...env });
    try {
      await daemon.waitFor('both sources to fail', () => ['apay', 'bepaid'].every((id) => daemon.raw.some((line) => line.includes(`source ${id} could not be read`) || (line.includes(`"source":"${id}"`) && cause.test(line)))));
      await daemon.waitForLog(cause);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    const output = daemon.raw.join('\n');
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  });
});

import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/daemon/http-server.js';

describe('the HTTP server says when an answer failed on our side', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('logs /metrics and /readyz failures instead of answering 5xx in silence', async () => {
    const failed: [string, string][] = [];
    const started = await startHttpServer(
      { host: '127.0.0.1', port: 0 },
      {
        registry: { metrics: () => Promise.reject(new Error('a collector threw')), contentType: 'text/plain' } as unknown as Registry,
        readiness: () => Promise.reject(new Error('the store did not answer')),
        access: { authMetrics: false },
        board: () => Promise.reject(new Error('the board broke')),
        action: () => Promise.reject(new Error('the action broke')),
        alertPage: () => Promise.reject(new Error('unused')),
        failed: (what, error) => failed.push([what, (error as Error).message]),
      },
    );
    server = started.server;
    expect((await fetch(`${started.url}/metrics`)).status).toBe(500);
    expect((await fetch(`${started.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${started.url}/`)).status).toBe(503);
    expect((await fetch(`${started.url}/a/x.y`)).status).toBe(503);
    expect(failed).toEqual([
      ['/metrics', 'a collector threw'],
      ['/readyz', 'the store did not answer'],
      ['/', 'the board broke'],
      ['/a/', 'the action broke'],
    ]);
  });
});

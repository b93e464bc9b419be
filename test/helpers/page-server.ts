import type { Registry } from 'prom-client';
import { type HttpHandlers, startHttpServer } from '../../src/daemon/http-server.js';

const unused = () => Promise.reject(new Error('not served in this test'));

/**
 * The daemon's HTTP server on loopback with only the pages a test serves;
 * the board needs a password (treasury / board-pass), and a page that fails
 * fails the test.
 */
export function startPageServer(pages: Partial<Pick<HttpHandlers, 'action' | 'alertPage' | 'board'>>) {
  return startHttpServer(
    { host: '127.0.0.1', port: 0 },
    {
      registry: {} as Registry,
      readiness: unused,
      access: { basic: { username: 'treasury', password: 'board-pass' }, authMetrics: false },
      board: unused,
      action: unused,
      alertPage: unused,
      ...pages,
      failed: (what, error) => {
        throw new Error(`${what} failed: ${String(error)}`);
      },
    },
  );
}

export const BOARD_CREDENTIALS = `Basic ${Buffer.from('treasury:board-pass').toString('base64')}`;

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults.js';
import { sendHtml, sendJson } from './http-util.js';

/** What the fake A-Pay serves: one project, its key, its balances (decimal strings as A-Pay sends them). */
export interface ApayWorld {
  readonly projectId: number;
  readonly apiKey: string;
  readonly balances: Map<string, string>;
  fault: Fault;
  requests: number;
}

/** Answers exactly as A-Pay documents `GET /Remotes/payment-systems-balances`. */
export function handleApay(world: ApayWorld, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://simulator');
  if (req.method !== 'GET' || url.pathname !== '/Remotes/payment-systems-balances') {
    return sendJson(res, 404, { success: false, code: 404, message: 'Not found' });
  }
  world.requests += 1;
  switch (world.fault) {
    case 'hang':
      return; // never answers; the client's timeout must end it
    case 'server_error':
      return sendJson(res, 503, { success: false, code: 503, message: 'Service temporarily unavailable' });
    case 'rate_limited':
      return sendJson(res, 429, { success: false, code: 429, message: 'Too many requests' }, { 'Retry-After': '1' });
    case 'html':
      return sendHtml(res, 502);
    case 'unauthorized':
      return sendJson(res, 401, { success: false, code: 401, message: 'unauthorized' });
    case 'refused':
      return sendJson(res, 200, { success: false, code: 1003, message: 'Project is blocked' });
    default:
  }
  if (req.headers['apikey'] !== world.apiKey) return sendJson(res, 401, { success: false, code: 401, message: 'unauthorized' });
  if (url.searchParams.get('project_id') !== String(world.projectId)) {
    return sendJson(res, 400, { success: false, code: 1001, message: 'Project not found' });
  }
  const balances = [...world.balances].map(([name, balance], index) => ({
    name,
    balance: world.fault === 'garbage' && index === 0 ? '12,5O0.00' : balance,
  }));
  sendJson(res, 200, { success: true, payment_systems_balances: balances });
}

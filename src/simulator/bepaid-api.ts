import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults.js';
import { readBody, sendHtml, sendJson } from './http-util.js';

export interface SimulatedBepaidAccount {
  readonly gatewayId: number;
  /** The provider's account number; the first account of a gateway is its default. */
  readonly account: string;
  amount: bigint;
  readonly currency: string;
}

/** What the fake bePaid serves: one shop, its credentials, its accounts. */
export interface BepaidWorld {
  readonly shopId: string;
  readonly secretKey: string;
  readonly accounts: SimulatedBepaidAccount[];
  fault: Fault;
  requests: number;
}

const refusal = (code: string, message: string, friendly: string) => ({ status: 'Failed', code, message, friendly_message: friendly });

/** Answers exactly as bePaid documents `POST /beyag/balance`. */
export async function handleBepaid(world: BepaidWorld, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/beyag/balance') return sendJson(res, 404, refusal('F.0404', 'Not found', 'Not found'));
  const text = await readBody(req);
  world.requests += 1;
  switch (world.fault) {
    case 'hang':
      return;
    case 'server_error':
      return sendJson(res, 503, refusal('F.0503', 'Service unavailable', 'Please try later'));
    case 'rate_limited':
      return sendJson(res, 429, refusal('F.0429', 'Too many requests', 'Please try later'), { 'Retry-After': '1' });
    case 'html':
      return sendHtml(res, 502);
    case 'unauthorized':
      return sendJson(res, 401, { message: 'Unauthorized' });
    default:
  }
  const expected = `Basic ${Buffer.from(`${world.shopId}:${world.secretKey}`).toString('base64')}`;
  if (req.headers.authorization !== expected) return sendJson(res, 401, { message: 'Unauthorized' });
  let request: { gateway_id?: unknown; account?: unknown; currency?: unknown };
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    return sendJson(res, 400, refusal('F.0400', 'Bad request', 'Invalid JSON'));
  }
  if (world.fault === 'refused') return sendJson(res, 200, refusal('F.1502', 'Provider is not available', 'Balance cannot be received'));
  const match = world.accounts.find(
    (a) => a.gatewayId === request.gateway_id && (request.account === undefined || a.account === request.account),
  );
  if (!match) return sendJson(res, 200, refusal('F.1404', 'Account not found', 'Account not found'));
  // The amount is written as raw digits: JSON.stringify cannot hold a bigint, and a real API may send more than 2^53.
  const body = JSON.stringify({
    code: 'S.0000',
    status: 'Successful',
    message: 'none',
    friendly_message: 'Successfully processed',
    gateway_id: match.gatewayId,
    account: match.account,
    amount: world.fault === 'garbage' ? 'a lot' : AMOUNT_PLACEHOLDER,
    currency: match.currency,
    provider_info: { BankCode: 200, OperDate: new Date().toISOString().slice(0, 19) },
  }).replace(`"${AMOUNT_PLACEHOLDER}"`, match.amount.toString());
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const AMOUNT_PLACEHOLDER = '@@amount@@';

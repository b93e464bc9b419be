import { describe, expect, it } from 'vitest';
import { fetchOver, TransportFailure } from '../../src/net/fetch.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/net/http.js';
import type { Failure } from '../../src/net/failure.js';
import { err, ok, type Result } from '../../src/result.js';

const recording = (outcome: Result<HttpResponse, Failure>) => {
  const sent: HttpRequest[] = [];
  const client: HttpClient = {
    send: (request) => {
      sent.push(request);
      return Promise.resolve(outcome);
    },
  };
  return { client, sent };
};
const limits = { timeoutMs: 1_500, maxBytes: 100 };

describe('fetchOver', () => {
  it('sends a POST of a string body and answers with what a webhook client reads', async () => {
    const { client, sent } = recording(ok({ status: 429, contentType: 'text/plain', text: 'rate_limited', retryAfter: '30' }));
    const signal = new AbortController().signal;
    const response = await fetchOver(client, limits)('https://hooks.example/T/B/x', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"hi"}', signal });
    expect(sent).toEqual([{ method: 'POST', url: 'https://hooks.example/T/B/x', headers: { 'Content-Type': 'application/json' }, body: '{"text":"hi"}', timeoutMs: 1_500, maxBytes: 100, signal }]);
    expect([response.ok, response.status, response.statusText, response.headers.get('Retry-After'), response.headers.get('x-none'), await response.text()]).toEqual([
      false,
      429,
      'Too Many Requests',
      '30',
      null,
      'rate_limited',
    ]);
  });

  it('says ok for 2xx', async () => {
    const { client } = recording(ok({ status: 200, contentType: 'text/html', text: 'ok' }));
    expect((await fetchOver(client, limits)(new URL('https://hooks.example/x'))).ok).toBe(true);
  });

  it('throws the classified failure when there is no response', async () => {
    const failure: Failure = { reason: 'timeout', retryable: true, message: 'no answer within 1.5s' };
    const { client } = recording(err(failure));
    const thrown = await fetchOver(client, limits)('https://hooks.example/x').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TransportFailure);
    expect((thrown as TransportFailure).failure).toBe(failure);
  });

  it.each([
    ['a Request object', { url: 'https://hooks.example/x' }, {}],
    ['a stream body', 'https://hooks.example/x', { method: 'POST', body: new ReadableStream() }],
    ['PUT', 'https://hooks.example/x', { method: 'PUT' }],
    ['headers as pairs', 'https://hooks.example/x', { headers: [['a', 'b']] }],
  ])('refuses what it does not support rather than half-doing it: %s', async (_, input, init) => {
    const { client, sent } = recording(ok({ status: 200, contentType: '', text: '' }));
    await expect(fetchOver(client, limits)(input as string, init as RequestInit)).rejects.toBeInstanceOf(TypeError);
    expect(sent).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../src/net/proxy.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('proxyFor', () => {
  it.each([
    ['https://api.example.com/x', { HTTPS_PROXY: 'http://proxy:3128' }, { host: 'proxy', port: 3128 }],
    ['https://api.example.com/x', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, { host: 'lower', port: 1 }],
    ['https://api.example.com/x', { HTTP_PROXY: 'http://proxy:3128' }, undefined],
    ['http://api.example.com/x', { HTTP_PROXY: 'proxy.corp:8080' }, { host: 'proxy.corp', port: 8080 }],
    ['http://api.example.com/x', { HTTP_PROXY: 'http://proxy.corp' }, { host: 'proxy.corp', port: 80 }],
    ['https://api.example.com/x', { HTTPS_PROXY: 'http://a%40b:p%3As@proxy:3128' }, { host: 'proxy', port: 3128, authorization: basic('a@b:p:s') }],
    ['https://api.example.com/x', { HTTPS_PROXY: 'http://[::1]:3128' }, { host: '::1', port: 3128 }],
    ['https://api.example.com/x', { HTTPS_PROXY: '' }, undefined],
    ['https://127.0.0.1:8443/x', { HTTPS_PROXY: 'http://proxy:3128' }, undefined],
    ['http://localhost:8080/x', { HTTP_PROXY: 'http://proxy:3128' }, undefined],
    ['http://[::1]:8080/x', { HTTP_PROXY: 'http://proxy:3128' }, undefined],
  ])('%s with %j', (url, env, expected) => {
    expect(proxyFor(new URL(url), env)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['*', true],
    ['api.example.com', true],
    ['example.com', true],
    ['.example.com', true],
    ['*.example.com', true],
    ['API.EXAMPLE.COM', true],
    ['other.com, example.com', true],
    ['other.com example.com', true],
    ['api.example.com:443', true],
    ['api.example.com:8443', false],
    ['xample.com', false],
    ['pi.example.com', false],
    ['other.com', false],
  ])('NO_PROXY=%s exempts https://api.example.com: %s', (noProxy, exempt) => {
    const result = proxyFor(new URL('https://api.example.com/x'), { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(result.ok && result.value === undefined).toBe(exempt);
  });

  it.each([
    ['http://[2001:db8::5]:8080/x', '2001:db8::5', true],
    ['http://[2001:db8::5]:8080/x', '[2001:db8::5]', true],
    ['http://[2001:db8::5]:8080/x', '[2001:db8::5]:8080', true],
    ['http://[2001:db8::5]:8080/x', '[2001:db8::5]:80', false],
    ['http://10.1.2.3/x', '10.1.2.3', true],
    ['http://10.1.2.3/x', '10.1.2.4', false],
  ])('%s with NO_PROXY=%s is exempt: %s', (url, noProxy, exempt) => {
    const result = proxyFor(new URL(url), { HTTP_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(result.ok && result.value === undefined).toBe(exempt);
  });

  it.each(['socks5://proxy:1080', 'https://proxy:443', 'http://', 'http://proxy:99999'])('refuses %s, naming the variable', (value) => {
    expect(proxyFor(new URL('https://api.example.com/x'), { https_proxy: value })).toEqual({
      ok: false,
      error: 'HTTPS_PROXY is not a proxy URL such as http://proxy.example.com:3128',
    });
  });

  it('never throws, and always exempts a host that NO_PROXY names, whatever else the variables hold', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/); // a letter first: a numeric last label is read as IPv4
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.string(), fc.string(), (labels, proxy, noise) => {
        const host = labels.join('.');
        const url = new URL(`https://${host}/x`);
        const any = proxyFor(url, { HTTPS_PROXY: proxy, NO_PROXY: noise });
        expect(typeof any.ok).toBe('boolean');
        expect(proxyFor(url, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: `${noise.replace(/[\s,]/g, '')},${host}` })).toEqual({ ok: true, value: undefined });
      }),
    );
  });
});

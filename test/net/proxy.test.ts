import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { proxyFor } from '../../src/net/proxy.js';
import { proxyEnvironment } from '../helpers/proxy.js';

/** proxyFor with exactly these variables set, none of the machine's. */
function decide(url: string, variables: Record<string, string>) {
  proxyEnvironment(variables);
  const result = proxyFor(new URL(url));
  return result.ok ? { ok: true, value: result.value?.href } : result;
}

afterEach(() => vi.unstubAllEnvs());

describe('proxyFor', () => {
  it.each([
    ['https://api.example.com/x', { HTTPS_PROXY: 'http://proxy:3128' }, 'http://proxy:3128/'],
    ['https://api.example.com/x', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, 'http://lower:1/'],
    ['https://api.example.com/x', { HTTP_PROXY: 'http://proxy:3128' }, undefined],
    ['https://api.example.com/x', { ALL_PROXY: 'http://all:3128' }, 'http://all:3128/'],
    ['http://api.example.com/x', { HTTP_PROXY: 'proxy.corp:8080' }, 'http://proxy.corp:8080/'],
    ['https://api.example.com/x', { HTTPS_PROXY: 'proxy.corp:8080' }, 'http://proxy.corp:8080/'],
    ['http://api.example.com/x', { HTTP_PROXY: 'http://proxy.corp' }, 'http://proxy.corp/'],
    ['https://api.example.com/x', { HTTPS_PROXY: 'https://secure-proxy:443' }, 'https://secure-proxy/'],
    ['https://api.example.com/x', { HTTPS_PROXY: 'http://a%40b:p%3As@proxy:3128' }, 'http://a%40b:p%3As@proxy:3128/'],
    ['https://api.example.com/x', { HTTPS_PROXY: 'http://[::1]:3128' }, 'http://[::1]:3128/'],
    ['https://api.example.com/x', { HTTPS_PROXY: '' }, undefined],
    ['https://127.0.0.1:8443/x', { HTTPS_PROXY: 'http://proxy:3128' }, undefined],
    ['http://localhost:8080/x', { HTTP_PROXY: 'http://proxy:3128' }, undefined],
    ['http://[::1]:8080/x', { HTTP_PROXY: 'http://proxy:3128' }, undefined],
  ])('%s with %j', (url, env, expected) => {
    expect(decide(url, env)).toEqual({ ok: true, value: expected });
  });

  // proxy-from-env's reading of NO_PROXY: a bare name is that host alone; a leading dot or `*.` takes its subdomains.
  it.each([
    ['*', true],
    ['api.example.com', true],
    ['.example.com', true],
    ['*.example.com', true],
    ['API.EXAMPLE.COM', true],
    ['other.com, .example.com', true],
    ['other.com .example.com', true],
    ['api.example.com:443', true],
    ['api.example.com:8443', false],
    ['example.com', false],
    ['pi.example.com', false],
    ['other.com', false],
  ])('NO_PROXY=%s exempts https://api.example.com: %s', (noProxy, exempt) => {
    const result = decide('https://api.example.com/x', { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(result.ok && result.value === undefined).toBe(exempt);
  });

  it.each([
    ['http://[2001:db8::5]:8080/x', '[2001:db8::5]', true],
    ['http://[2001:db8::5]:8080/x', '[2001:db8::5]:8080', true],
    ['http://[2001:db8::5]:8080/x', '[2001:db8::5]:80', false],
    ['http://10.1.2.3/x', '10.1.2.3', true],
    ['http://10.1.2.3/x', '10.1.2.4', false],
  ])('%s with NO_PROXY=%s is exempt: %s', (url, noProxy, exempt) => {
    const result = decide(url, { HTTP_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(result.ok && result.value === undefined).toBe(exempt);
  });

  it.each([
    ['https_proxy', 'socks5://proxy:1080', 'HTTPS_PROXY'],
    ['https_proxy', 'http://', 'HTTPS_PROXY'],
    ['https_proxy', 'http://proxy:99999', 'HTTPS_PROXY'],
    ['ALL_PROXY', 'socks5h://proxy:1080', 'ALL_PROXY'],
  ])('refuses %s=%s, naming the variable', (name, value, named) => {
    expect(decide('https://api.example.com/x', { [name]: value })).toEqual({
      ok: false,
      error: `${named} is not a proxy URL such as http://proxy.example.com:3128`,
    });
  });

  it('never throws, and always exempts a host that NO_PROXY names, whatever else the variables hold', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/); // a letter first: a numeric last label is read as IPv4
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.string(), fc.string(), (labels, proxy, noise) => {
        const host = labels.join('.');
        const url = `https://${host}/x`;
        const any = decide(url, { HTTPS_PROXY: proxy, NO_PROXY: noise });
        expect(typeof any.ok).toBe('boolean');
        expect(decide(url, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: `${noise.replace(/[\s,]/g, '')},${host}` })).toEqual({ ok: true, value: undefined });
      }),
    );
  });
});

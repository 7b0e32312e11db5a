import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { useTestApp, type TestApp } from '../support/app';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'commerce-cors-'));
const SHOP = 'https://shop.example';
const listed = useTestApp({ CORS_ORIGINS: `${SHOP}, http://localhost:5173` });
const development = useTestApp({ NODE_ENV: 'development' });
const production = useTestApp({ NODE_ENV: 'production' });

const preflight = (app: TestApp, origin: string, headers = 'content-type,authorization,apollo-require-preflight') =>
  fetch(`${app.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS on /graphql', () => {
  it('answers a listed origin\'s preflight with the headers a GraphQL client sends, and no credentials', async () => {
    const response = await preflight(listed, SHOP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name']),
    );
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });

  it('lets a listed origin read the answer to a POST', async () => {
    const response = await fetch(`${listed.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });

  it('gives an origin that is not listed no CORS header at all, so the browser refuses it', async () => {
    for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'http://localhost:3000']) {
      const response = await preflight(listed, origin);
      expect(response.status).toBe(204);
      expect(corsHeaders(response)).toEqual([]);
      const post = await fetch(`${listed.url}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(corsHeaders(post)).toEqual([]);
    }
  });

  it('allows any localhost page in development, and nothing in production until CORS_ORIGINS lists it', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000']) {
      expect((await preflight(development, origin)).headers.get('access-control-allow-origin')).toBe(origin);
      expect(corsHeaders(await preflight(production, origin))).toEqual([]);
    }
    expect(corsHeaders(await preflight(development, 'https://shop.example'))).toEqual([]);
  });

  it('does not put CORS on the Stripe webhook route', async () => {
    const response = await fetch(`${development.url}/webhooks/stripe`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(corsHeaders(response)).toEqual([]);
  });
});

describe('CORS_ORIGINS', () => {
  it('takes a comma-separated list of origins, or * for any', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:3000' }, tmp()).cors).toEqual({
      origins: ['https://a.example', 'http://localhost:3000'],
      anyLocalhost: false,
    });
    expect(loadConfig({ CORS_ORIGINS: '*' }, tmp()).cors).toEqual({ origins: '*', anyLocalhost: false });
    expect(loadConfig({ NODE_ENV: 'test' }, tmp()).cors).toEqual({ origins: [], anyLocalhost: false });
  });

  it('refuses an entry that is not a bare origin, naming it', () => {
    for (const entry of ['https://shop.example/', 'shop.example', 'https://shop.example/app', 'ftp://shop.example']) {
      expect(() => loadConfig({ CORS_ORIGINS: `https://ok.example,${entry}` }, tmp())).toThrow(`CORS_ORIGINS: "${entry}" is not an origin`);
    }
  });
});

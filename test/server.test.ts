import { GraphQLError } from 'graphql';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { maskInternalErrors } from '../src/http/graphql';
import { useTestApp } from './support/app';

const app = useTestApp();

describe('the HTTP server', () => {
  it('reports health with the database state', async () => {
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('refuses a simple cross-site POST (CSRF prevention)', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.status).toBe(400);
  });

  it('serves the Sandbox landing page outside production', async () => {
    const response = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/sandbox|apollo/i);
  });

  it('masks unexpected errors as INTERNAL_SERVER_ERROR and logs them with their stack', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const mask = maskInternalErrors(logger);
    const internal = new GraphQLError('relation "secret_table" does not exist', { originalError: new Error('relation "secret_table" does not exist') });
    const masked = mask({ message: internal.message, path: ['products'] }, internal);
    expect(masked).toEqual({ message: 'Internal server error', path: ['products'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines.join('')).toMatch(/secret_table/);
    expect(lines.join('')).toMatch(/"stack"/);

    const clientError = { message: 'Sign in to do this.', extensions: { code: 'UNAUTHENTICATED' } };
    expect(mask(clientError, new GraphQLError(clientError.message))).toBe(clientError);
  });
});

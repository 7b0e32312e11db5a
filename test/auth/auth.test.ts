import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import { TEST_JWT_SECRET, useTestApp } from '../support/app';

const Me = graphql(`
  query Me { me { id email createdAt } }
`);

const app = useTestApp();

// A second server that checks issuer and audience.
const strict = useTestApp({ JWT_ISSUER: 'https://id.shop.test', JWT_AUDIENCE: 'commerce-api' });

// A third that verifies RS256 tokens against a public key.
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa = useTestApp({ JWT_SECRET: '', JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() });

describe('authentication', () => {
  it('treats a request without a token as a guest', async () => {
    const response = await app.request(Me);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ me: null });
  });

  it('creates the customer on first sight from the token claims, once', async () => {
    const token = app.customerToken('auth0|abc', 'ada@example.com');
    const first = await app.query(Me, {}, { token });
    expect(first.me).toMatchObject({ id: 'auth0|abc', email: 'ada@example.com' });
    const second = await app.query(Me, {}, { token });
    expect(second.me?.createdAt).toBe(first.me?.createdAt);
    const rows = await app.server.orm.em.getConnection().execute('select count(*)::int as n from customer where id = ?', ['auth0|abc']);
    expect(rows[0].n).toBe(1);
  });

  it('treats staff as signed in', async () => {
    const { me } = await app.query(Me, {}, { token: app.staffToken('staff-9') });
    expect(me?.id).toBe('staff-9');
  });

  it.each([
    ['an expired token', () => jwt.sign({ sub: 'c1', exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET), /has expired/],
    ['a token signed with another secret', () => jwt.sign({ sub: 'c1' }, 'another-secret-another-secret-another-secret'), /not valid/],
    ['a malformed token', () => 'not.a.jwt', /not valid/],
    ['a token without a subject', () => jwt.sign({ role: 'admin' }, TEST_JWT_SECRET), /no subject/],
    ['an unsigned token (alg none)', () => jwt.sign({ sub: 'c1', role: 'admin' }, '', { algorithm: 'none' }), /not valid/],
  ])('answers UNAUTHENTICATED with 401 for %s, never as a guest', async (_, token, message) => {
    const response = await app.request(Me, {}, { token: token() });
    expect(response.status).toBe(401);
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0].message).toMatch(message);
    expect(response.data).toBeUndefined();
  });

  it('answers UNAUTHENTICATED for an Authorization header that is not a bearer token', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('checks issuer and audience when they are configured', async () => {
    const sign = (claims: object) => jwt.sign({ sub: 'c1', ...claims }, TEST_JWT_SECRET);
    const good = await strict.request(Me, {}, { token: sign({ iss: 'https://id.shop.test', aud: 'commerce-api' }) });
    expect(good.data?.me?.id).toBe('c1');
    for (const claims of [{ iss: 'https://id.shop.test', aud: 'other-api' }, { iss: 'https://evil.test', aud: 'commerce-api' }, {}]) {
      const response = await strict.request(Me, {}, { token: sign(claims) });
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('verifies RS256 tokens with JWT_PUBLIC_KEY and refuses HS256 ones', async () => {
    const token = jwt.sign({ sub: 'rsa-user', role: 'admin' }, privateKey, { algorithm: 'RS256' });
    const ok = await rsa.query(Me, {}, { token });
    expect(ok.me?.id).toBe('rsa-user');
    const forged = await rsa.request(Me, {}, { token: jwt.sign({ sub: 'rsa-user' }, TEST_JWT_SECRET) });
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('npm run token', () => {
  it('prints a staff token that the server accepts as staff', async () => {
    const { execFileSync } = await import('node:child_process');
    const token = execFileSync(process.execPath, ['-r', '@swc-node/register', 'src/auth/token-cli.ts', '--role', 'admin', '--sub', 'cli-staff'], {
      cwd: `${__dirname}/../..`,
      env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET, NODE_ENV: 'test' },
      encoding: 'utf8',
    }).trim();
    const { me } = await app.query(Me, {}, { token });
    expect(me?.id).toBe('cli-staff');
    expect(jwt.decode(token)).toMatchObject({ sub: 'cli-staff', role: 'admin', email: 'cli-staff@example.com' });
  });

  it('prints only the token through `npm run -s`, so a shell can capture it, and explains itself with --help', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = (...args: string[]) =>
      spawnSync('npm', ['run', '-s', 'token', '--', ...args], {
        cwd: `${__dirname}/../..`,
        env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET, NODE_ENV: 'test' },
        encoding: 'utf8',
      });
    const token = run('--role', 'admin');
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(jwt.decode(token.stdout.trim())).toMatchObject({ role: 'admin', sub: 'staff-dev' });
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run -s token -- \[--role admin\|customer\]/);
    const unknown = run('--rol', 'admin');
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe("Unknown option '--rol' (--help lists the options)\n");
  });
});

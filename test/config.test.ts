import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { ConfigError, developmentSecretPath, loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/orm';
import { databaseUrlFor } from './support/databases';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'commerce-config-'));

describe('configuration', () => {
  it('has working defaults for npm start', () => {
    const config = loadConfig({}, tmp());
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      databaseUrl: undefined,
      orderTtlMinutes: 30,
      demoData: true,
      logLevel: 'info',
      stripe: { secretKey: undefined, webhookSecret: undefined, apiUrl: undefined },
    });
  });

  it('bounds every wait on the database by default', () => {
    expect(loadConfig({}, tmp()).database).toEqual({
      statementTimeoutMs: 10_000,
      acquireTimeoutMs: 5_000,
      createMissing: true,
      replicaUrls: [],
      replicaRetryMs: 5_000,
      replicaMaxLagMs: 1_000,
    });
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '2500', DATABASE_ACQUIRE_TIMEOUT_MS: '750' }, tmp()).database).toMatchObject({
      statementTimeoutMs: 2500,
      acquireTimeoutMs: 750,
    });
  });

  it('reads DATABASE_REPLICA_URLS as a comma-separated list of replicas of DATABASE_URL', () => {
    const env = {
      DATABASE_URL: 'postgres://app@primary:5432/shop',
      DATABASE_REPLICA_URLS: ' postgres://app@replica-1:5432/shop, postgresql://app@replica-2:5432/shop ,',
      DATABASE_REPLICA_RETRY_MS: '0',
      DATABASE_REPLICA_MAX_LAG_MS: '250',
    };
    expect(loadConfig(env, tmp()).database).toMatchObject({
      replicaUrls: ['postgres://app@replica-1:5432/shop', 'postgresql://app@replica-2:5432/shop'],
      replicaRetryMs: 0,
      replicaMaxLagMs: 250,
    });
  });

  it('in production loads no demo catalog and creates no missing database, unless DEMO_DATA says otherwise', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production, tmp())).toMatchObject({ demoData: false, database: { createMissing: false } });
    expect(loadConfig({ ...production, DEMO_DATA: 'true' }, tmp()).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }, tmp())).toMatchObject({ demoData: true, database: { createMissing: true } });
  });

  it('limits GraphQL operations by default, with room for the app\'s own largest ones', () => {
    expect(loadConfig({}, tmp()).graphql.limits).toEqual({ maxDepth: 10, maxCost: 10_000, maxAliases: 15, maxDirectives: 50, maxTokens: 2000, documentCacheSize: 1000, compiledDocuments: 200, compileAfterRuns: 2 });
    expect(loadConfig({ GRAPHQL_MAX_DEPTH: '12', GRAPHQL_MAX_COST: '50000' }, tmp()).graphql.limits).toMatchObject({ maxDepth: 12, maxCost: 50_000 });
  });

  it('turns introspection and Sandbox off in production unless GRAPHQL_INTROSPECTION says otherwise', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig({}, tmp()).graphql.introspection).toBe(true);
    expect(loadConfig(production, tmp()).graphql.introspection).toBe(false);
    expect(loadConfig({ ...production, GRAPHQL_INTROSPECTION: 'true' }, tmp()).graphql.introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }, tmp()).graphql.introspection).toBe(false);
  });

  it('makes a development JWT secret once and keeps it in the data folder', () => {
    const cwd = tmp();
    const first = loadConfig({}, cwd);
    const second = loadConfig({}, cwd);
    expect(first.jwt).toMatchObject({ algorithm: 'HS256', isDevelopmentSecret: true });
    expect(first.jwt.algorithm === 'HS256' && first.jwt.secret).toBe(second.jwt.algorithm === 'HS256' && second.jwt.secret);
    expect(readFileSync(developmentSecretPath(first.dataDir), 'utf8').trim()).toBe(first.jwt.algorithm === 'HS256' ? first.jwt.secret : '');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres: or postgresql:/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET or JWT_PUBLIC_KEY is required when NODE_ENV=production/],
    [{ JWT_SECRET: 'short' }, /at least 32 characters/],
    [{ JWT_PUBLIC_KEY: 'not a key' }, /JWT_PUBLIC_KEY must be an RSA or EC public key/],
    [{ STRIPE_SECRET_KEY: 'pk_test_123' }, /STRIPE_SECRET_KEY must start with sk_test_/],
    [{ STRIPE_WEBHOOK_SECRET: 'secret' }, /STRIPE_WEBHOOK_SECRET must start with whsec_/],
    [{ STRIPE_API_URL: 'localhost:12111' }, /STRIPE_API_URL/],
    [{ ORDER_TTL_MINUTES: '0' }, /ORDER_TTL_MINUTES must be a whole number from 1/],
    [{ DEMO_DATA: 'maybe' }, /DEMO_DATA must be true or false/],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '0' }, /DATABASE_STATEMENT_TIMEOUT_MS must be a whole number from 100/],
    [{ DATABASE_ACQUIRE_TIMEOUT_MS: 'soon' }, /DATABASE_ACQUIRE_TIMEOUT_MS must be a whole number/],
    [{ DATABASE_REPLICA_URLS: 'postgres://replica/shop' }, /DATABASE_REPLICA_URLS needs DATABASE_URL/],
    [{ DATABASE_URL: 'postgres://primary/shop', DATABASE_REPLICA_URLS: 'postgres://replica/shop,mysql://x' }, /DATABASE_REPLICA_URLS \(entry 2\) must use postgres: or postgresql:/],
    [{ DATABASE_URL: 'postgres://primary/shop', DATABASE_REPLICA_RETRY_MS: 'soon' }, /DATABASE_REPLICA_RETRY_MS must be a whole number/],
    [{ DATABASE_URL: 'postgres://primary/shop', DATABASE_REPLICA_MAX_LAG_MS: '10' }, /DATABASE_REPLICA_MAX_LAG_MS must be a whole number from 100/],
    [{ CHECKOUT_RATE_LIMIT: '-1' }, /CHECKOUT_RATE_LIMIT must be a whole number/],
    [{ GRAPHQL_INTROSPECTION: 'sometimes' }, /GRAPHQL_INTROSPECTION must be true or false/],
    [{ GRAPHQL_MAX_DEPTH: '0' }, /GRAPHQL_MAX_DEPTH must be a whole number from 1 to 100/],
    [{ GRAPHQL_MAX_COST: 'lots' }, /GRAPHQL_MAX_COST must be a whole number/],
    [{ GRAPHQL_MAX_ALIASES: '-1' }, /GRAPHQL_MAX_ALIASES must be a whole number/],
    [{ GRAPHQL_MAX_DIRECTIVES: '1.5' }, /GRAPHQL_MAX_DIRECTIVES must be a whole number/],
    [{ GRAPHQL_MAX_TOKENS: '0' }, /GRAPHQL_MAX_TOKENS must be a whole number from 1/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ TRUST_PROXY_HOPS: 'yes' }, /TRUST_PROXY_HOPS must be a whole number from 0 to 10/],
    [{ DEFAULT_CURRENCY: 'XXX' }, /DEFAULT_CURRENCY must be an ISO 4217 currency/],
    [{ SMTP_URL: 'http://mail.example.com' }, /SMTP_URL must use smtp: or smtps:/],
    [{ GRAPHQL_OPERATIONS_MANIFEST: 'no-such-manifest.json' }, /GRAPHQL_OPERATIONS_MANIFEST: cannot read no-such-manifest.json/],
    [{ GRAPHQL_OPERATIONS_MANIFEST: path.resolve(__dirname, '../package.json') }, /GRAPHQL_OPERATIONS_MANIFEST has an entry whose key is not the sha256 of its document/],
  ])('refuses %o with a clear message', (env, message) => {
    expect(() => loadConfig(env, tmp())).toThrow(ConfigError);
    expect(() => loadConfig(env, tmp())).toThrow(message);
  });

  it('stops the server at start with one clear line for a bad value', () => {
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Configuration error: PORT must be a whole number from 0 to 65535, got "eighty".');
  });
});

describe('a DATABASE_URL naming a database that does not exist', () => {
  const missing = () => `commerce_missing_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const exists = async (name: string) => {
    const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await client.connect();
    try {
      return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    } finally {
      await client.end();
    }
  };

  it('stops a production server at start with one clear line, and creates nothing', async () => {
    const name = missing();
    const url = databaseUrlFor(inject('adminDatabaseUrl'), name);
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: url, PORT: '0', DATA_DIR: tmp() },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `Could not start: Database "${name}" does not exist on ${new URL(url).host}. Create it first: the server creates a missing database only in development and tests.`,
    );
    expect(result.stdout).not.toMatch(/\n\s+at /);
    expect(await exists(name)).toBe(false);
  });

  it('is created outside production, as npm start on a fresh machine expects', async () => {
    const name = missing();
    const orm = await connectDatabase({ databaseUrl: databaseUrlFor(inject('adminDatabaseUrl'), name), createMissing: true });
    await orm.close();
    try {
      expect(await exists(name)).toBe(true);
    } finally {
      const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
      await client.connect();
      await client.query(`drop database if exists ${pg.escapeIdentifier(name)}`);
      await client.end();
    }
  });
});

describe('the configuration module', () => {
  it('imports nothing from the HTTP layer, directly or through another module', () => {
    // config.ts is read by everything; an import of http/ from it closes a circle through the context and every service.
    const src = path.resolve(__dirname, '../src');
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/^import\s[^'"]*['"](\.[^'"]+)['"]/gm)) {
        visit(path.resolve(path.dirname(file), specifier) + '.ts');
      }
    };
    visit(path.join(src, 'config.ts'));
    const reached = [...seen].map((file) => path.relative(src, file));
    expect(reached).toContain('common/operation-manifest.ts');
    expect(reached.filter((file) => file.startsWith('http/'))).toEqual([]);
  });
});

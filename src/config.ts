import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSaleCurrency } from './common/money';
import { parseOperationManifest } from './common/operation-manifest';

/**
 * Every setting the server reads, validated once at start. Nothing else in src/ reads
 * process.env: the composition root passes this object down.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** Absent: the server starts an embedded PostgreSQL in `dataDir`. */
  databaseUrl?: string;
  database: DatabaseConfig;
  dataDir: string;
  embeddedPostgresPort: number;
  jwt: JwtConfig;
  stripe: StripeConfig;
  orderTtlMinutes: number;
  /** Load the demo catalog into an empty database; default on outside production only. */
  demoData: boolean;
  /** Checkouts per minute per client; 0 disables the limit. */
  checkoutRateLimit: number;
  /**
   * How many proxies (load balancers) stand in front of the server, so the client's IP is
   * read from X-Forwarded-For; 0 (the default) trusts no proxy and uses the socket address.
   */
  trustProxyHops: number;
  /** ISO 4217 code of the shop's main currency (a cart created without one uses it). */
  defaultCurrency: string;
  mail: MailConfig;
  graphql: GraphQLConfig;
  cors: CorsConfig;
  catalogCache: CatalogCacheConfig;
  logLevel: LogLevel;
}

/** The cache of anonymous catalog answers (src/http/catalog-cache.ts); off when maxAgeMs or maxEntries is 0. */
export interface CatalogCacheConfig {
  /** The oldest answer ever served, `available` included, even when a change notification is lost. */
  maxAgeMs: number;
  maxEntries: number;
  maxBytes: number;
}

/** How long the server waits on PostgreSQL before it answers 503 instead of hanging. */
export interface DatabaseConfig {
  /** PostgreSQL cancels a statement that runs longer (statement_timeout); migrations are exempt. */
  statementTimeoutMs: number;
  /** Longest wait for a pooled connection, including opening a new one. */
  acquireTimeoutMs: number;
  /** Streaming standbys of DATABASE_URL that serve shop-window catalog reads (db/read-replicas.ts). */
  replicaUrls: string[];
  /** After a replica fails, how long catalog reads stay on the primary before a replica is tried again. */
  replicaRetryMs: number;
  /** A replica further behind the primary than this gets no catalog reads until it catches up (db/replica-lag.ts). */
  replicaMaxLagMs: number;
  /**
   * Create the database named in DATABASE_URL when it does not exist: in development and
   * tests only, so that a misspelled name in production stops the server instead.
   */
  createMissing: boolean;
}

/** Which web pages on other origins may call /graphql from a browser. */
export interface CorsConfig {
  /** Exact origins (`https://shop.example`), or '*' for any page anywhere. */
  origins: string[] | '*';
  /** The development default: any page served from localhost / 127.0.0.1, on any port. */
  anyLocalhost: boolean;
}

export interface GraphQLConfig {
  /** Introspection and the Sandbox landing page; default on outside production only. */
  introspection: boolean;
  limits: QueryLimits;
  /** When set, only these operations (sha256 hash → document) run. */
  operationManifest?: Record<string, string>;
}

/** What one GraphQL operation may ask for; the defaults leave the app's own operations far below. */
export interface QueryLimits {
  /** Nesting of fields (fragments do not count as a level). */
  maxDepth: number;
  /** 1 per field, times `first` for a page of a connection. */
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexical tokens in the document; parsing stops beyond it. */
  maxTokens: number;
  /** Parsed and validated documents kept for reuse (least recently used go first); 0 keeps none. */
  documentCacheSize: number;
  /** Documents kept compiled by graphql-jit (http/jit-executor.ts), least recently used go first; 0 runs every operation on graphql-js. */
  compiledDocuments: number;
  /** The run of a document on which it is compiled; until then it runs on graphql-js. */
  compileAfterRuns: number;
}

export type JwtConfig =
  | { algorithm: 'HS256'; secret: string; issuer?: string; audience?: string; isDevelopmentSecret: boolean }
  | { algorithm: 'RS256' | 'ES256'; publicKey: string; issuer?: string; audience?: string };

export interface MailConfig {
  /** smtp:// or smtps:// URL of the mail server; absent: order emails wait in the outbox. */
  smtpUrl?: string;
  from: string;
}

export interface StripeConfig {
  secretKey?: string;
  webhookSecret?: string;
  /** e.g. http://localhost:12111 for a local Stripe-compatible server */
  apiUrl?: URL;
  /** Where hosted checkout sends the shopper back; `{ORDER_ID}` is replaced. */
  successUrl: string;
  cancelUrl: string;
  timeoutMs: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown for a missing or malformed setting; main.ts prints its message as one line and exits. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(cwd, nonEmpty(env, 'DATA_DIR') ?? '.data');
  const databaseUrl = nonEmpty(env, 'DATABASE_URL');
  if (databaseUrl !== undefined) assertUrl('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);

  return {
    nodeEnv,
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    database: {
      statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
      acquireTimeoutMs: integer(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 5_000, 100, 600_000),
      replicaUrls: replicaUrls(env, databaseUrl),
      replicaRetryMs: integer(env, 'DATABASE_REPLICA_RETRY_MS', 5_000, 0, 600_000),
      replicaMaxLagMs: integer(env, 'DATABASE_REPLICA_MAX_LAG_MS', 1_000, 100, 3_600_000),
      createMissing: nodeEnv !== 'production',
    },
    dataDir,
    embeddedPostgresPort: integer(env, 'EMBEDDED_POSTGRES_PORT', 54329, 1, 65535),
    jwt: jwtConfig(env, nodeEnv, dataDir),
    stripe: stripeConfig(env),
    orderTtlMinutes: integer(env, 'ORDER_TTL_MINUTES', 30, 1, 60 * 24 * 30),
    // A production shop must not show invented products because a variable was forgotten.
    demoData: boolean(env, 'DEMO_DATA', nodeEnv !== 'production'),
    checkoutRateLimit: integer(env, 'CHECKOUT_RATE_LIMIT', 30, 0, 1_000_000),
    trustProxyHops: integer(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    defaultCurrency: saleCurrency(env, 'DEFAULT_CURRENCY', 'USD'),
    mail: mailConfig(env),
    graphql: {
      introspection: boolean(env, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
      limits: {
        maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 10, 1, 100),
        maxCost: integer(env, 'GRAPHQL_MAX_COST', 10_000, 1, 10_000_000),
        maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 15, 0, 1000),
        maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 50, 0, 1000),
        maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 2000, 1, 1_000_000),
        documentCacheSize: integer(env, 'GRAPHQL_DOCUMENT_CACHE_SIZE', 1000, 0, 1_000_000),
        compiledDocuments: integer(env, 'GRAPHQL_COMPILED_DOCUMENTS', 200, 0, 100_000),
        compileAfterRuns: integer(env, 'GRAPHQL_COMPILE_AFTER_RUNS', 2, 1, 1000),
      },
      operationManifest: operationManifest(env, cwd),
    },
    cors: corsConfig(env, nodeEnv),
    catalogCache: {
      maxAgeMs: integer(env, 'CATALOG_CACHE_MAX_AGE_MS', 2_000, 0, 3_600_000),
      maxEntries: integer(env, 'CATALOG_CACHE_ENTRIES', 1_000, 0, 1_000_000),
      maxBytes: integer(env, 'CATALOG_CACHE_MAX_MB', 32, 1, 16_384) * 1024 * 1024,
    },
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
  };
}

function operationManifest(env: Env, cwd: string): Record<string, string> | undefined {
  const file = nonEmpty(env, 'GRAPHQL_OPERATIONS_MANIFEST');
  if (!file) return undefined;
  let json: string;
  try {
    json = readFileSync(path.resolve(cwd, file), 'utf8');
  } catch {
    throw new ConfigError(`GRAPHQL_OPERATIONS_MANIFEST: cannot read ${file}.`);
  }
  const manifest = parseOperationManifest(json);
  if (typeof manifest === 'string') throw new ConfigError(`GRAPHQL_OPERATIONS_MANIFEST ${manifest}.`);
  return manifest;
}

function replicaUrls(env: Env, databaseUrl: string | undefined): string[] {
  const raw = nonEmpty(env, 'DATABASE_REPLICA_URLS');
  if (raw === undefined) return [];
  // The embedded database has no standbys: replicas of a server the process does not name make no sense.
  if (databaseUrl === undefined) throw new ConfigError('DATABASE_REPLICA_URLS needs DATABASE_URL: replicas are standbys of that server.');
  const urls = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  urls.forEach((url, i) => assertUrl(`DATABASE_REPLICA_URLS (entry ${i + 1})`, url, ['postgres:', 'postgresql:']));
  return urls;
}

function corsConfig(env: Env, nodeEnv: Config['nodeEnv']): CorsConfig {
  const raw = nonEmpty(env, 'CORS_ORIGINS');
  // A frontend in development runs on its own port (Vite 5173, Next 3000); elsewhere nothing is allowed until listed.
  if (raw === undefined) return { origins: [], anyLocalhost: nodeEnv === 'development' };
  if (raw === '*') return { origins: '*', anyLocalhost: false };
  const origins = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS: "${origin}" is not an origin; write scheme://host[:port], with no path or trailing slash.`);
    }
  }
  return { origins, anyLocalhost: false };
}

function jwtConfig(env: Env, nodeEnv: Config['nodeEnv'], dataDir: string): JwtConfig {
  const issuer = nonEmpty(env, 'JWT_ISSUER');
  const audience = nonEmpty(env, 'JWT_AUDIENCE');
  const secret = nonEmpty(env, 'JWT_SECRET');
  const publicKey = nonEmpty(env, 'JWT_PUBLIC_KEY');
  if (secret && publicKey) throw new ConfigError('Set either JWT_SECRET or JWT_PUBLIC_KEY, not both.');
  if (secret) {
    if (secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters long.');
    return { algorithm: 'HS256', secret, issuer, audience, isDevelopmentSecret: false };
  }
  if (publicKey) {
    const pem = publicKey.replace(/\\n/g, '\n');
    const algorithm = pem.includes('BEGIN PUBLIC KEY') || pem.includes('BEGIN RSA PUBLIC KEY') ? pemAlgorithm(pem) : undefined;
    if (!algorithm) throw new ConfigError('JWT_PUBLIC_KEY must be an RSA or EC public key in PEM format.');
    return { algorithm, publicKey: pem, issuer, audience };
  }
  if (nodeEnv === 'production') {
    throw new ConfigError('JWT_SECRET or JWT_PUBLIC_KEY is required when NODE_ENV=production.');
  }
  return { algorithm: 'HS256', secret: developmentSecret(dataDir), issuer, audience, isDevelopmentSecret: true };
}

function pemAlgorithm(pem: string): 'RS256' | 'ES256' | undefined {
  // Node tells the key type; a PEM that does not parse is a configuration error, not a 401 later.
  try {
    const type = createPublicKey(pem).asymmetricKeyType;
    if (type === 'rsa') return 'RS256';
    if (type === 'ec') return 'ES256';
    return undefined;
  } catch {
    return undefined;
  }
}

/** The development secret lives in the data folder so tokens survive restarts (`npm run token`). */
export function developmentSecretPath(dataDir: string): string {
  return path.join(dataDir, 'dev-jwt-secret');
}

function developmentSecret(dataDir: string): string {
  const file = developmentSecretPath(dataDir);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, secret + '\n', { mode: 0o600 });
    return secret;
  }
}

function stripeConfig(env: Env): StripeConfig {
  const secretKey = nonEmpty(env, 'STRIPE_SECRET_KEY');
  if (secretKey && !/^(sk|rk)_(test|live)_/.test(secretKey)) {
    throw new ConfigError('STRIPE_SECRET_KEY must start with sk_test_, sk_live_, rk_test_ or rk_live_.');
  }
  const webhookSecret = nonEmpty(env, 'STRIPE_WEBHOOK_SECRET');
  if (webhookSecret && !webhookSecret.startsWith('whsec_')) {
    throw new ConfigError('STRIPE_WEBHOOK_SECRET must start with whsec_.');
  }
  const rawApiUrl = nonEmpty(env, 'STRIPE_API_URL');
  const apiUrl = rawApiUrl ? assertUrl('STRIPE_API_URL', rawApiUrl, ['http:', 'https:']) : undefined;
  const successUrl = nonEmpty(env, 'CHECKOUT_SUCCESS_URL') ?? 'http://localhost:3000/checkout/success?order={ORDER_ID}';
  const cancelUrl = nonEmpty(env, 'CHECKOUT_CANCEL_URL') ?? 'http://localhost:3000/checkout/canceled?order={ORDER_ID}';
  assertUrl('CHECKOUT_SUCCESS_URL', successUrl, ['http:', 'https:']);
  assertUrl('CHECKOUT_CANCEL_URL', cancelUrl, ['http:', 'https:']);
  // The buyer waits for one Stripe call at most this long (the SDK does not retry it).
  const timeoutMs = integer(env, 'STRIPE_TIMEOUT_MS', 10_000, 100, 60_000);
  return { secretKey, webhookSecret, apiUrl, successUrl, cancelUrl, timeoutMs };
}

function mailConfig(env: Env): MailConfig {
  const smtpUrl = nonEmpty(env, 'SMTP_URL');
  if (smtpUrl) assertUrl('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']);
  return {
    smtpUrl,
    from: nonEmpty(env, 'MAIL_FROM') ?? 'Commerce API <orders@localhost>',
  };
}

function saleCurrency(env: Env, name: string, fallback: string): string {
  const code = (nonEmpty(env, name) ?? fallback).toUpperCase();
  if (!isSaleCurrency(code)) throw new ConfigError(`${name} must be an ISO 4217 currency a shop sells in, got "${code}".`);
  return code;
}

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}".`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}

function assertUrl(name: string, raw: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${url.protocol}".`);
  }
  return url;
}

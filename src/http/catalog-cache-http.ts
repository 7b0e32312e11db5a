import { readsOnlyCatalog } from './replica-routing';
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Kind, parse, type DocumentNode } from 'graphql';
import { operationHash } from '../common/operation-manifest';
import type { Context } from '../context';
import { readingPrimary } from '../db/read-replicas';
import type { CatalogCache, CachedAnswer } from './catalog-cache';

/**
 * Root fields whose answer is the same for every guest: the catalog and shipping quotes.
 * A document that asks for anything else (cart, order, me, introspection) is never cached.
 */
// The replicas' list less introspection, whose answer depends on the server's settings, not the catalog.
const CATALOG_ROOT_FIELDS = new Set(['products', 'product', 'categories', 'shippingOptions', '__typename']);

/** Documents whose shape was already worked out; cleared when full, as unique documents are cheap to redo. */
const MAX_KNOWN_DOCUMENTS = 1_000;

/** Apollo's CSRF prevention (preventCsrf.js) lets a GET through with one of these, or a non-simple content type. */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

interface GraphQLRequestParts {
  document: string;
  /** The persisted-query hash sent with it, if any. */
  claimedHash?: string;
  operationName: string;
  variables: unknown;
}

/**
 * The HTTP side of the catalog cache (catalog-cache.ts), in front of Apollo on /graphql.
 *
 * Only a guest's query (no Authorization header at all) whose every root field is a catalog
 * field is looked up or stored; anything with a token, any mutation and any other document
 * goes to Apollo untouched and leaves the cache as it is, so a customer's data can neither
 * be served from it nor put into it. The key is everything that decides the answer: the
 * document (by hash; a hash-only persisted operation is resolved through the manifest), the
 * operation name, the variables as canonical JSON and the Accept header (which picks the
 * content type). Only a complete answer without errors is stored, so a field refused to a
 * guest (`stock`, draft products) never is, and what Apollo checked on the way (allow-list,
 * cost and depth limits) holds for the same key.
 *
 * GET answers carry HTTP caching for CDNs and browsers: `Cache-Control: public, max-age` of
 * what is left of the entry's life (so a CDN copy is never older than CATALOG_CACHE_MAX_AGE_MS
 * either), a strong `ETag`, `304 Not Modified` for a matching `If-None-Match`, and `Vary`
 * on Authorization and Accept. Every other GET answer on /graphql says `no-store`.
 */
export function catalogCacheMiddleware(cache: CatalogCache, options: { manifest?: Record<string, string>; maxTokens: number }): RequestHandler {
  // Keyed by the document's hash, so that a megabyte document is not kept as a key.
  const shapes = new Map<string, boolean>();
  /** Keys being computed now, each settled once its answer is stored (or is not). */
  const filling = new Map<string, Promise<void>>();
  const isCatalogQuery = (document: string, documentHash: string, operationName: string) => {
    const known = `${operationName}\n${documentHash}`;
    let cacheable = shapes.get(known);
    if (cacheable === undefined) {
      cacheable = readsOnlyTheCatalog(document, operationName, options.maxTokens);
      if (shapes.size >= MAX_KNOWN_DOCUMENTS) shapes.clear();
      shapes.set(known, cacheable);
    }
    return cacheable;
  };

  return (req, res, next) => {
    const isGet = req.method === 'GET';
    if (!isGet && req.method !== 'POST') return next();
    // A CDN must never keep a signed-in answer, or an order read by its id.
    if (isGet) res.setHeader('cache-control', 'no-store');
    if (req.headers.authorization !== undefined || !cache.settings.maxAgeMs) return next();
    const parts = isGet ? fromQueryString(req.url, options.manifest) : fromBody(req.body, options.manifest);
    if (!parts) return next();
    const documentHash = operationHash(parts.document);
    // Apollo refuses a persisted-query hash that does not match the text sent with it; so does the cache.
    if (parts.claimedHash !== undefined && parts.claimedHash !== documentHash) return next();
    if (!isCatalogQuery(parts.document, documentHash, parts.operationName)) return next();
    // GET with a body type Apollo refuses (415), or a simple GET that its CSRF check refuses: Apollo answers those.
    if (isGet && !passesApolloGetChecks(req)) return next();

    const key = createHash('sha256')
      .update(`${req.headers.accept ?? ''}\n${parts.operationName}\n${canonicalJson(parts.variables)}\n${documentHash}`)
      .digest('base64url');
    const cached = cache.get(key);
    if (cached) return answerFromCache(req, res, cache, cached, isGet);
    if (!cache.serving) return next();
    // One miss per key at a time: when an entry expires under load, the requests that arrive
    // while it is recomputed wait for that one answer instead of each running the query.
    const pending = filling.get(key);
    if (pending) {
      void pending.then(() => {
        const filled = cache.get(key);
        if (filled) answerFromCache(req, res, cache, filled, isGet);
        else fill(req, res, next, key, isGet);
      });
      return;
    }
    return fill(req, res, next, key, isGet);
  };

  /** Lets Apollo answer, and stores the answer on its way out if nothing changed meanwhile. */
  function fill(req: Request, res: Response, next: NextFunction, key: string, isGet: boolean): void {
    if (!cache.serving || filling.has(key)) return next();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    filling.set(key, mine);
    const settle = () => {
      if (filling.get(key) === mine) filling.delete(key);
      done();
    };
    // Whatever happens to this request (an error, a client gone), the waiters must not wait for ever.
    res.once('close', settle);

    const ticket = cache.ticket();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let streamed = false;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((...args: unknown[]) => {
      streamed = true;
      return write(...args);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      res.end = end as typeof res.end;
      const body = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : undefined;
      // Apollo writes `errors` before `data`, so an answer that starts with data has no errors.
      const stored =
        !streamed && !res.headersSent && res.statusCode === 200 && body && body.subarray(0, 8).toString() === '{"data":'
          ? cache.store(key, ticket, body, String(res.getHeader('content-type') ?? 'application/json'))
          : undefined;
      settle();
      if (stored && isGet) {
        httpCacheHeaders(res, cache, stored);
        if (notModified(req, stored)) {
          res.statusCode = 304;
          res.removeHeader('content-type');
          res.removeHeader('content-length');
          return end();
        }
      }
      return end(chunk, ...rest);
    }) as typeof res.end;
    // A fill reads the primary, never a replica: a replica that has not yet replayed the change
    // just notified would put the old answer back for a whole CATALOG_CACHE_MAX_AGE_MS, and its
    // lag would add to that bound. Fills are rare (one per key per bound), so the primary hardly notices.
    readingPrimary(next);
  }
}

/** A mutation answered by this process drops the cache before its answer leaves, so the client's next read sees its write. */
export function invalidateAfterMutations(cache: CatalogCache): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation === 'mutation') cache.invalidate();
        },
      };
    },
  };
}

function answerFromCache(req: Request, res: Response, cache: CatalogCache, cached: CachedAnswer, isGet: boolean): void {
  if (isGet) {
    httpCacheHeaders(res, cache, cached);
    if (notModified(req, cached)) {
      res.writeHead(304).end();
      return;
    }
  }
  res.writeHead(200, { 'content-type': cached.contentType, 'content-length': cached.body.length });
  res.end(cached.body);
}

function httpCacheHeaders(res: Response, cache: CatalogCache, answer: CachedAnswer): void {
  const secondsLeft = Math.max(0, Math.floor((cache.settings.maxAgeMs - cache.ageMs(answer)) / 1000));
  res.setHeader('cache-control', `public, max-age=${secondsLeft}`);
  res.setHeader('etag', answer.etag);
  res.vary('Authorization');
  res.vary('Accept');
}

function notModified(req: Request, answer: CachedAnswer): boolean {
  const tags = req.headers['if-none-match'];
  if (!tags) return false;
  return tags.trim() === '*' || tags.split(',').some((tag) => tag.trim().replace(/^W\//, '') === answer.etag);
}

function passesApolloGetChecks(req: Request): boolean {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) return contentType.split(';')[0].trim().toLowerCase() === 'application/json';
  return PREFLIGHT_HEADERS.some((header) => Boolean(req.headers[header]));
}

/** A GET's operation, read as Apollo reads it: each parameter at most once, variables as JSON. */
function fromQueryString(url: string, manifest: Record<string, string> | undefined): GraphQLRequestParts | undefined {
  const search = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  for (const name of ['query', 'operationName', 'variables', 'extensions']) if (search.getAll(name).length > 1) return undefined;
  let variables: unknown;
  let extensions: unknown;
  try {
    variables = search.has('variables') ? JSON.parse(search.get('variables')!) : undefined;
    extensions = search.has('extensions') ? JSON.parse(search.get('extensions')!) : undefined;
  } catch {
    return undefined;
  }
  const document = search.get('query') ?? undefined;
  return parts(document, search.get('operationName') ?? undefined, variables, extensions, manifest);
}

function fromBody(body: unknown, manifest: Record<string, string> | undefined): GraphQLRequestParts | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  return parts(query, operationName, variables, extensions, manifest);
}

function parts(query: unknown, operationName: unknown, variables: unknown, extensions: unknown, manifest: Record<string, string> | undefined): GraphQLRequestParts | undefined {
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery?.sha256Hash;
  if (hash !== undefined && typeof hash !== 'string') return undefined;
  let document = typeof query === 'string' ? query : undefined;
  // A persisted operation sent by its hash alone: only the manifest's are known before Apollo runs.
  if (document === undefined && query === undefined && hash !== undefined && manifest) document = manifest[hash];
  if (document === undefined) return undefined;
  return { document, claimedHash: hash, operationName: operationName ?? '', variables: variables ?? {} };
}

/** True when the operation is a query whose root fields are all catalog fields. */
export function readsOnlyTheCatalog(source: string, operationName: string, maxTokens: number): boolean {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens, noLocation: true });
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return false;
  const fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  return readsOnlyCatalog(operation, fragments, CATALOG_ROOT_FIELDS);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` make one key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

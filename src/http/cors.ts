import cors from 'cors';
import type { RequestHandler } from 'express';
import type { CorsConfig } from '../config';

/**
 * The headers a GraphQL client sends: JSON bodies, a bearer token, and the two headers that
 * satisfy Apollo's CSRF prevention (`apollo-require-preflight`, `x-apollo-operation-name`),
 * plus the client name/version Apollo Client adds for metrics.
 */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
];

const LOCALHOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * CORS for /graphql. An allowed origin's preflight is answered with the methods and headers
 * above; any other origin gets no Access-Control-* header at all, so the browser refuses it.
 * Credentials are never allowed: the API reads a bearer token from the Authorization header,
 * never a cookie, so a page sends `credentials: 'omit'` (fetch's default for cross-origin is
 * 'same-origin', which sends none) and no other site can ride on a signed-in browser.
 */
export function corsMiddleware(config: CorsConfig): RequestHandler[] {
  const allowed = (origin: string) => config.origins === '*' || config.origins.includes(origin) || (config.anyLocalhost && LOCALHOST.test(origin));
  const answerAllowed = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    // A 429 says when to come back; the page can only read that header if it is exposed.
    exposedHeaders: ['Retry-After'],
    credentials: false,
    // Chromium caps a cached preflight at 2 hours.
    maxAge: 7200,
  });
  // cors() passes a refused origin's preflight on; it is answered here, with no CORS header, rather than by Apollo as a bad request.
  const answerRefusedPreflight: RequestHandler = (req, res, next) => (req.method === 'OPTIONS' ? res.status(204).end() : next());
  return [answerAllowed, answerRefusedPreflight];
}

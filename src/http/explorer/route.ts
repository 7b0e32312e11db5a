import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express, { type Router } from 'express';

export const GRAPHIQL_PATH = '/graphiql';

/** Where build.mjs writes the bundle (node_modules/.cache, next to the graphiql it bundled). */
function assetsDir(): string | undefined {
  try {
    const nodeModules = path.dirname(path.dirname(require.resolve('graphiql/package.json')));
    const dir = path.join(nodeModules, '.cache', 'commerce-graphiql');
    return existsSync(path.join(dir, 'BUILT')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const page = (endpoint: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width,initial-scale=1" />
    <title>GraphiQL · Commerce API</title>
    <link rel="stylesheet" href="${GRAPHIQL_PATH}/assets/explorer.css" />
    <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  </head>
  <body data-endpoint="${endpoint}">
    <div id="graphiql">Loading GraphiQL…</div>
    <script type="module" src="${GRAPHIQL_PATH}/assets/explorer.js"></script>
  </body>
</html>
`;

/**
 * GraphiQL at /graphiql, served entirely by this server: the explorer for a machine that
 * cannot reach Apollo's CDN. Mounted whenever introspection is on (the Sandbox setting),
 * and only if `npm install` built its assets; otherwise the route says how to build them.
 */
export function graphiqlRoute(endpoint: string): Router {
  const router = express.Router();
  const dir = assetsDir();
  if (!dir) {
    router.get(GRAPHIQL_PATH, (_req, res) => {
      res.status(503).type('text/plain').send('GraphiQL is not built: run `npm run build:graphiql` (npm install does it).\n');
    });
    return router;
  }
  // Content-hashed names are not used, so a rebuilt bundle is revalidated rather than cached for long.
  router.use(`${GRAPHIQL_PATH}/assets`, express.static(dir, { maxAge: '1h', index: false }));
  router.get(GRAPHIQL_PATH, (_req, res) => {
    res.type('html').send(page(endpoint));
  });
  return router;
}

/**
 * Apollo's Sandbox landing page, unchanged where its CDN is reachable; when it is not, the
 * page's "cannot be loaded" note links to the local explorer, and the missing script no
 * longer throws.
 */
export function landingPageWithGraphiQL(): ApolloServerPlugin {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true });
  const link = `Open the local explorer, <a href="${GRAPHIQL_PATH}">GraphiQL at ${GRAPHIQL_PATH}</a>, which needs no internet.`;
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const { html } = await render();
          const text = typeof html === 'string' ? html : await html();
          const withLink = text.includes('you might be offline.</p>')
            ? text.replace('you might be offline.</p>', `you might be offline.</p>\n  <p>${link}</p>`)
            : text.replace('</body>', `<p>${link}</p></body>`);
          // The page's Content-Security-Policy admits inline scripts with its nonce only.
          const nonce = /nonce="([^"]+)"/.exec(withLink)?.[1] ?? '';
          // Sandbox's empty frame would lie over the note and swallow clicks on the link.
          const clearFrame = `<script nonce="${nonce}">if (!window.EmbeddedSandbox) document.getElementById('embeddableSandbox')?.remove();</script>`;
          return {
            html: withLink
              .replace('new window.EmbeddedSandbox(', 'window.EmbeddedSandbox && new window.EmbeddedSandbox(')
              .replace('</body>', `${clearFrame}\n</body>`),
          };
        },
      };
    },
  };
}

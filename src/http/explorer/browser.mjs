// GraphiQL's page script, bundled by build.mjs. Everything it loads comes from this server:
// React, GraphiQL, Monaco and its workers, styles and fonts.
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

// Monaco runs its language services in workers; build.mjs writes them beside this bundle.
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const name = label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor';
    return new Worker(new URL(`./${name}.worker.js`, import.meta.url));
  },
};

const endpoint = document.body.dataset.endpoint;

/** Plain fetch: a JSON body satisfies the server's CSRF prevention; the Headers tab adds Authorization. */
async function fetcher(params, options) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return response.json();
}

const defaultQuery = `# Staff: add {"Authorization": "Bearer <token>"} under Headers (npm run -s token -- --role admin).
query Products {
  products(first: 5) {
    totalCount
    edges { node { name slug variants { id sku available price(currency: "USD") { formatted } } } }
  }
}
`;

createRoot(document.getElementById('graphiql')).render(createElement(GraphiQL, { fetcher, defaultQuery }));

// Bundles GraphiQL (an ESM/React app) into static files the server serves at /graphiql, so
// the explorer needs nothing from the internet. Run by `npm install` (prepare) and by
// `npm run build:graphiql`; about 10 s. Without the dev dependencies (a production install)
// it says so and leaves the explorer out instead of failing the install.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

let esbuild;
let nodeModules;
try {
  esbuild = require('esbuild');
  nodeModules = path.dirname(path.dirname(require.resolve('graphiql/package.json')));
} catch {
  console.warn('build:graphiql: esbuild or graphiql is not installed (production install?); /graphiql will not be served.');
  process.exit(0);
}

// The server reads the same folder (src/http/explorer/route.ts).
const outdir = path.join(nodeModules, '.cache', 'commerce-graphiql');
const staging = `${outdir}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  target: 'es2022',
};
const started = Date.now();
await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: { explorer: path.join(here, 'browser.mjs') },
    format: 'esm',
    outdir: staging,
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
  }),
  esbuild.build({
    ...common,
    entryPoints: {
      'editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
      'json.worker': require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
      'graphql.worker': require.resolve('monaco-graphql/esm/graphql.worker.js'),
    },
    // Classic workers: `new Worker(url)` without `type: 'module'`.
    format: 'iife',
    outdir: staging,
  }),
]);
writeFileSync(path.join(staging, 'BUILT'), new Date().toISOString() + '\n');
// Swap in whole, so a server never serves half of one build and half of another.
rmSync(outdir, { recursive: true, force: true });
renameSync(staging, outdir);
console.log(`build:graphiql: wrote ${path.relative(process.cwd(), outdir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

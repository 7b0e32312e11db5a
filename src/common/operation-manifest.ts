import { createHash } from 'node:crypto';

/** The key GraphQL Code Generator's persisted-documents manifest gives a document. */
export const operationHash = (document: string) => createHash('sha256').update(document).digest('hex');

/**
 * Reads and checks a manifest written with codegen's `persistedDocuments: true`: every key
 * must be the sha256 of its document (codegen writes `sha256:<hex>`). Answers the manifest
 * keyed by bare hex hash, or what is wrong with it.
 */
export function parseOperationManifest(json: string): Record<string, string> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'is not JSON';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'must be a JSON object of sha256 hash to document';
  const manifest: Record<string, string> = {};
  for (const [key, document] of Object.entries(parsed)) {
    const hash = key.replace(/^sha256:/, '');
    if (typeof document !== 'string' || operationHash(document) !== hash) return `has an entry whose key is not the sha256 of its document (${key.slice(0, 19)}…)`;
    manifest[hash] = document;
  }
  return manifest;
}

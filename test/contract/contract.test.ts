import { readFileSync } from 'node:fs';
import path from 'node:path';
import { executeCodegen, loadCodegenConfig } from '@graphql-codegen/cli';
import { buildSchema, isScalarType, isSpecifiedScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../../src/schema-print';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/web-client');
/** Every codegen config in the repository, with the folder it runs from. */
const CODEGEN_CONFIGS = [
  { name: 'codegen.yml', file: path.join(ROOT, 'codegen.yml'), cwd: ROOT },
  { name: 'examples/web-client/codegen.ts', file: path.join(EXAMPLE, 'codegen.ts'), cwd: EXAMPLE },
];
const SCALARS_FILE = path.join(ROOT, 'schema/codegen-scalars.json');

async function loadConfig(file: string, cwd: string) {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return (await loadCodegenConfig({ configFilePath: file })).config;
  } finally {
    process.chdir(previous);
  }
}

function scalarsOf(config: Awaited<ReturnType<typeof loadConfig>>): unknown[] {
  return Object.values(config.generates).map((output) => (output as { config?: { scalars?: unknown } }).config?.scalars);
}

describe('the published contract', () => {
  it('schema/schema.graphql matches the schema the code defines (run `npm run schema`)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printedSchema());
  });

  it('schema/codegen-scalars.json maps exactly the schema\'s custom scalars (and ID) to TypeScript types', () => {
    const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
    const custom = Object.values(schema.getTypeMap())
      .filter((type) => isScalarType(type) && !isSpecifiedScalarType(type))
      .map((type) => type.name);
    const map = JSON.parse(readFileSync(SCALARS_FILE, 'utf8')) as Record<string, string>;
    expect(Object.keys(map).sort()).toEqual(['ID', ...custom].sort());
    for (const [scalar, tsType] of Object.entries(map)) expect(['unknown', 'any'], scalar).not.toContain(tsType);
  });

  it.each(CODEGEN_CONFIGS)('$name maps every scalar with schema/codegen-scalars.json', async ({ file, cwd }) => {
    const map = JSON.parse(readFileSync(SCALARS_FILE, 'utf8'));
    const outputs = scalarsOf(await loadConfig(file, cwd));
    expect(outputs.length).toBeGreaterThan(0);
    for (const scalars of outputs) expect(scalars).toEqual(map);
  });

  it.each(CODEGEN_CONFIGS)('the typed client that $name writes is up to date (run `npm run codegen`)', async ({ file, cwd }) => {
    const config = await loadConfig(file, cwd);
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      const { result, error } = await executeCodegen({ ...config, silent: true });
      expect(error).toBeNull();
      expect(result.length).toBeGreaterThan(0);
      for (const output of result) {
        expect(readFileSync(path.resolve(cwd, output.filename), 'utf8'), output.filename).toBe(output.content);
      }
    } finally {
      process.chdir(previous);
    }
  });
});

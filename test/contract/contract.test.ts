import { readFileSync } from 'node:fs';
import path from 'node:path';
import { executeCodegen, loadCodegenConfig } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../../src/schema-print';

const ROOT = path.resolve(__dirname, '../..');

describe('the published contract', () => {
  it('schema/schema.graphql matches the schema the code defines (run `npm run schema`)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printedSchema());
  });

  it('the typed client in test/generated matches the schema and operations (run `npm run codegen`)', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: path.join(ROOT, 'codegen.yml') });
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const { result, error } = await executeCodegen({ ...config, silent: true });
      expect(error).toBeNull();
      expect(result.length).toBeGreaterThan(0);
      for (const file of result) {
        expect(readFileSync(path.resolve(ROOT, file.filename), 'utf8'), file.filename).toBe(file.content);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});

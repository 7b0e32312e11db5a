// `npm run schema`: writes the schema the code defines to schema/schema.graphql, the file
// frontends run codegen against. A test fails when the committed file is stale.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { buildGraphQLSchema } from './schema';

export const SCHEMA_FILE = path.resolve(__dirname, '../schema/schema.graphql');

export async function printedSchema(): Promise<string> {
  return printSchema(await buildGraphQLSchema()) + '\n';
}

if (require.main === module) {
  printedSchema().then((sdl) => {
    writeFileSync(SCHEMA_FILE, sdl);
    process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
  });
}

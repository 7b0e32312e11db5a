// GraphQL Code Generator for a frontend: `npx graphql-codegen --config codegen.ts` in this folder.
// Copy this file and ../../schema/codegen-scalars.json (or import it, as here): without the
// scalars map, DateTime, Currency, CountryCode and JSONObject come out as `unknown`.
import type { CodegenConfig } from '@graphql-codegen/cli';
import scalars from '../../schema/codegen-scalars.json';

const config: CodegenConfig = {
  schema: '../../schema/schema.graphql',
  documents: ['src/**/*.ts', '!src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars,
        useTypeImports: true,
        enumsAsTypes: true,
        // Documents as strings: the page needs no GraphQL library, only fetch.
        documentMode: 'string',
      },
    },
  },
};

export default config;

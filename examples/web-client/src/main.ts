// Node: `npm run example` (with `npm start` running) buys the first product in stock.
import { buyFirstProduct } from './shop';

const endpoint = process.env.API_URL ?? 'http://localhost:4000/graphql';
buyFirstProduct(endpoint).then(
  (run) => console.log(run),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

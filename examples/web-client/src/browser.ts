// Browser: index.html loads this bundle; the API's URL comes from the page's `?api=` parameter.
import { buyFirstProduct } from './shop';

const endpoint = new URLSearchParams(location.search).get('api') ?? 'http://localhost:4000/graphql';
const output = document.getElementById('result')!;
buyFirstProduct(endpoint).then(
  (run) => {
    output.textContent = JSON.stringify(run, null, 2);
    output.dataset.state = 'done';
  },
  (error: unknown) => {
    output.textContent = error instanceof Error ? error.message : String(error);
    output.dataset.state = 'failed';
  },
);

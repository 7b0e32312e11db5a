import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { latencySummary } from './concurrent';
import type { HttpLoadPlan, LoadResult } from './http-load';

const plan = workerData as HttpLoadPlan;
const outcomes: Record<string, number> = {};
const latencies: number[] = [];
let nextClient = 0;
// Autocannon notices the end of a run on its once-a-second tick, so its `duration` is rounded
// up to whole seconds; the run is timed here instead, from start to the last response.
const startedAt = performance.now();
let lastResponseAt = startedAt;

function outcomeOf(status: number, body: string): string {
  if (status !== 200) return `HTTP ${status}`;
  const typename = /"__typename":"(\w+)"/.exec(body);
  if (typename) return typename[1];
  return body.includes('"errors":') ? 'GraphQL errors' : 'ok';
}

const instance = autocannon(
  {
    url: plan.url,
    method: 'POST',
    connections: plan.clients.length,
    amount: plan.amount,
    // Each connection is one client with its own token and body (setupClient runs once per connection).
    setupClient: (client) => {
      const { headers, body } = plan.clients[nextClient++ % plan.clients.length];
      client.setHeadersAndBody(headers, body);
    },
    requests: [
      {
        onResponse: (status, body) => {
          const outcome = outcomeOf(status, body);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        },
      },
    ],
  },
  (error, result) => {
    if (error) throw error;
    const completed = Object.values(outcomes).reduce((sum, n) => sum + n, 0);
    const seconds = (lastResponseAt - startedAt) / 1000;
    const message: LoadResult = {
      completed,
      seconds,
      perSecond: completed / seconds,
      ...latencySummary(latencies),
      outcomes,
      errors: result.errors,
    };
    parentPort!.postMessage(message);
  },
);
// Percentiles computed here the same way as for the baseline (in a worker autocannon hands back raw histograms).
instance.on('response', (_client, _status, _bytes, responseTime) => {
  latencies.push(responseTime);
  lastResponseAt = performance.now();
});

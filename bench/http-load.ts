import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CpuTimes } from './cpu';

/** One simulated client: a keep-alive connection that sends the same request again and again. */
export interface HttpClientPlan {
  headers: Record<string, string>;
  body: string;
}

export interface HttpLoadPlan {
  /** e.g. http://localhost:4000/graphql */
  url: string;
  /** One entry per concurrent connection. */
  clients: HttpClientPlan[];
  /** Requests in all. */
  amount: number;
}

export interface LoadResult {
  completed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by outcome: the first `__typename` in the body, `ok`, `GraphQL errors` or `HTTP <status>`. */
  outcomes: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  /** CPU spent during the run, where it can be measured (see cpu.ts). */
  cpu?: CpuTimes;
}

/**
 * Runs autocannon in a worker thread: the load generator then does not share the event loop
 * with the server under test, which runs on the main thread of this process.
 */
export function runHttpLoad(plan: HttpLoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // The worker inherits `-r @swc-node/register`, so it can be TypeScript too.
    const worker = new Worker(path.join(__dirname, 'http-load.worker.ts'), { workerData: plan });
    let result: LoadResult | undefined;
    worker.once('message', (message: LoadResult) => {
      result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load worker exited with code ${code}`))));
  });
}

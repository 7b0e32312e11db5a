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
  /** The load generator's busy time (its worker's event loop), for HTTP loads. */
  generatorMs?: number;
  /** CPU spent during the run, where it can be measured (see cpu.ts). */
  cpu?: CpuTimes;
}

let worker: Worker | undefined;

/**
 * Runs the load generator (http-load.worker.ts, on undici) in a worker thread: it then does not
 * share the event loop with the server under test, which runs on the main thread of this
 * process. One worker serves every run, so that no run pays for starting a thread and loading
 * its modules (hundreds of milliseconds of CPU, which made short runs look expensive).
 */
export function runHttpLoad(plan: HttpLoadPlan): Promise<LoadResult> {
  // The worker inherits `-r @swc-node/register`, so it can be TypeScript too.
  worker ??= new Worker(path.join(__dirname, 'http-load.worker.ts'));
  const running = worker;
  return new Promise((resolve, reject) => {
    const settle = (done: () => void) => {
      running.off('message', onResult).off('error', onError).off('exit', onExit);
      // Idle between runs, the worker must not keep the benchmark's process alive.
      running.unref();
      done();
    };
    const onResult = (result: LoadResult) => settle(() => resolve(result));
    const onError = (error: Error) => settle(() => reject(error));
    const onExit = (code: number) => {
      worker = undefined;
      settle(() => reject(new Error(`load worker exited with code ${code}`)));
    };
    running.on('message', onResult).on('error', onError).on('exit', onExit);
    running.ref();
    running.postMessage(plan);
  });
}

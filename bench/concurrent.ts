import { performance } from 'node:perf_hooks';
import type { LoadResult } from './http-load';

/**
 * The baseline's load generator: `clients` loops, each awaiting its previous call before the
 * next one, like a load generator's connection, until `amount` calls have been made in all.
 */
export async function runConcurrently(options: {
  clients: number;
  amount: number;
  /** Does one unit of work for client `index` and names its outcome. */
  work: (index: number) => Promise<string>;
}): Promise<LoadResult> {
  const outcomes: Record<string, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: options.clients }, async (_, index) => {
      while (started < options.amount) {
        started += 1;
        const sent = performance.now();
        try {
          const outcome = await options.work(index);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          latencies.push(performance.now() - sent);
        } catch (error) {
          errors += 1;
          const name = `error: ${(error as Error).message.slice(0, 80)}`;
          outcomes[name] = (outcomes[name] ?? 0) + 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  return { completed: latencies.length, seconds, perSecond: latencies.length / seconds, ...latencySummary(latencies), outcomes, errors };
}

/** Median and 99th percentile, in milliseconds; sorts `latencies` in place. */
export function latencySummary(latencies: number[]): { p50Ms: number; p99Ms: number } {
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0);
  return { p50Ms: percentile(0.5), p99Ms: percentile(0.99) };
}

import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { Client } from 'undici';
import { latencySummary } from './concurrent';
import type { HttpLoadPlan, LoadResult } from './http-load';

/** One run: the plan it carries out and what it has counted so far. */
interface Run {
  plan: HttpLoadPlan;
  issued: number;
  errors: number;
  outcomes: Record<string, number>;
  latencies: number[];
}

const TYPENAME = Buffer.from('"__typename":"');
const ERRORS = Buffer.from('"errors":');

/** The first `__typename` in the body, else `GraphQL errors` or `ok`: read on the bytes, without decoding the body. */
function outcomeOf(status: number, body: Buffer): string {
  if (status !== 200) return `HTTP ${status}`;
  const at = body.indexOf(TYPENAME);
  if (at >= 0) {
    const start = at + TYPENAME.length;
    return body.toString('latin1', start, body.indexOf(0x22, start));
  }
  return body.indexOf(ERRORS) >= 0 ? 'GraphQL errors' : 'ok';
}

/**
 * One client: its own keep-alive connection, sending its request again as soon as the answer
 * is in, until the plan's amount is used up. undici parses responses with llhttp and hands the
 * body over as buffers; autocannon, used before, parsed in JavaScript and built every body as a
 * string, and cost more CPU per products page (about 6 ms) than the minimal server it loaded.
 */
async function runClient(run: Run, origin: string, path: string, { headers, body }: HttpLoadPlan['clients'][number]): Promise<void> {
  const client = new Client(origin, { pipelining: 1 });
  try {
    while (run.issued < run.plan.amount) {
      run.issued += 1;
      const startedAt = performance.now();
      try {
        const response = await client.request({ path, method: 'POST', headers, body });
        const chunks: Buffer[] = [];
        for await (const chunk of response.body) chunks.push(chunk as Buffer);
        const outcome = outcomeOf(response.statusCode, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
        run.outcomes[outcome] = (run.outcomes[outcome] ?? 0) + 1;
        run.latencies.push(performance.now() - startedAt);
      } catch {
        run.errors += 1;
      }
    }
  } finally {
    await client.close();
  }
}

async function carryOut(plan: HttpLoadPlan): Promise<LoadResult> {
  const run: Run = { plan, issued: 0, errors: 0, outcomes: {}, latencies: [] };
  const url = new URL(plan.url);
  const busyBefore = performance.eventLoopUtilization();
  const startedAt = performance.now();
  await Promise.all(plan.clients.map((client) => runClient(run, url.origin, url.pathname, client)));
  const seconds = (performance.now() - startedAt) / 1000;
  const completed = Object.values(run.outcomes).reduce((sum, n) => sum + n, 0);
  const generatorMs = performance.eventLoopUtilization(busyBefore).active;
  return { completed, seconds, perSecond: completed / seconds, ...latencySummary(run.latencies), outcomes: run.outcomes, errors: run.errors, generatorMs };
}

// One plan at a time: the main thread waits for each result before it sends the next plan.
parentPort!.on('message', (plan: HttpLoadPlan) => {
  void carryOut(plan).then((result) => parentPort!.postMessage(result));
});

import type { EntityManager } from '@mikro-orm/postgresql';
import { Logger as WorkerLogger, run, runMigrations, type JobHelpers, type Runner, type Task, type TaskList } from 'graphile-worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

/**
 * Durable side effects (calls to Stripe, emails, the expiry sweep) run as jobs of graphile-worker,
 * a job queue in PostgreSQL. A job is added in the same transaction (often the same statement)
 * as the change that causes it, so it exists exactly when that change committed; the worker
 * retries a failing job with exponential backoff (about e^n seconds after the n-th failure, capped
 * near 6 hours) and several server processes share the jobs without running one twice.
 */

/** What a job needs to know; every payload names the order it is about, when there is one. */
export interface JobPayload {
  orderId?: string | null;
  [key: string]: unknown;
}

export interface JobSpec {
  /** Retries before the job gives up and is recorded as failed. */
  maxAttempts: number;
  /** Lower runs first when jobs queue up. */
  priority?: number;
}

/** A task: what to do with one job's payload. Throwing retries it later. */
export type JobHandler = (payload: JobPayload, helpers: JobHelpers) => Promise<void>;

export interface JobDefinition extends JobSpec {
  handler: JobHandler;
}

export const JOB_SCHEMA = 'graphile_worker';

/** Creates or updates the queue's own schema (graphile_worker), before the app's migrations. */
export async function migrateJobQueue(pool: Pool): Promise<void> {
  await runMigrations({ pgPool: pool, schema: JOB_SCHEMA, logger: quietLogger });
}

/**
 * Adds a job inside the caller's transaction (MikroORM's `em.transactional`), or on its own
 * when there is none. `jobKey` makes adding idempotent: a second job with the same key
 * replaces the first while it has not started.
 */
export async function addJob(
  em: EntityManager,
  task: string,
  payload: JobPayload,
  spec: JobSpec & { runAt?: Date; jobKey?: string },
): Promise<void> {
  await em.execute(`select 1 from ${JOB_SCHEMA}.add_job(?, ?::json, max_attempts => ?, priority => ?, run_at => ?, job_key => ?)`, [
    task,
    JSON.stringify(payload),
    spec.maxAttempts,
    spec.priority ?? 0,
    spec.runAt ?? null,
    spec.jobKey ?? null,
  ]);
}

export interface JobQueue {
  /** Lets running jobs finish, then stops taking new ones. */
  stop(): Promise<void>;
}

/**
 * Starts a worker for `tasks`. Jobs of a task this process does not know (e.g. emails when
 * SMTP is not configured) stay in the queue for a process that does.
 */
export async function startJobQueue(options: {
  pool: Pool;
  logger: Logger;
  tasks: Record<string, JobDefinition>;
  crontab?: string;
  concurrency: number;
  recordFailure: (failure: { jobId: string; task: string; payload: JobPayload; attempts: number; error: string }) => Promise<void>;
}): Promise<JobQueue> {
  const { logger } = options;
  const taskList: TaskList = {};
  for (const [name, definition] of Object.entries(options.tasks)) {
    const task: Task = async (payload, helpers) => {
      const job = helpers.job;
      try {
        await definition.handler((payload ?? {}) as JobPayload, helpers);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const context = { task: name, jobId: job.id, attempt: job.attempts, maxAttempts: job.max_attempts, payload, err: error };
        if (job.attempts >= job.max_attempts) {
          // Gave up: log it loudly and record it where staff look (the order's failedJobs).
          logger.error(context, 'a background job gave up after its last attempt');
          await options
            .recordFailure({ jobId: job.id, task: name, payload: (payload ?? {}) as JobPayload, attempts: job.attempts, error: message })
            .catch((recordError: unknown) => logger.error({ err: recordError, jobId: job.id }, 'could not record a failed job'));
        } else {
          logger.warn(context, 'a background job failed; it will be retried');
        }
        throw error;
      }
    };
    taskList[name] = task;
  }
  const runner: Runner = await run({
    pgPool: options.pool,
    schema: JOB_SCHEMA,
    taskList,
    crontab: options.crontab ?? '',
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: workerLogger(logger),
  });
  return { stop: () => runner.stop() };
}

const quietLogger = new WorkerLogger(() => () => undefined);

/** graphile-worker's own messages go to the app's logger, one level down (it is chatty). */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { queue: scope, ...(meta ?? {}) };
    // A failed job is logged by our own wrapper above, with its order and whether it gave up.
    if (/^Failed task/.test(message)) logger.debug(fields, message);
    else if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}

import type { Logger } from 'pino';

export interface BackgroundLoop {
  /** Stops the timer and waits for a pass in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, never two at once, logging (not throwing) a failed pass.
 * The timer does not keep the process alive; shutdown calls `stop`.
 */
export function startBackgroundLoop(options: { intervalMs: number; logger: Logger; failure: string; pass: () => Promise<void> }): BackgroundLoop {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= options
      .pass()
      .catch((error: unknown) => options.logger.error({ err: error }, options.failure))
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

/**
 * Counts requests still being worked on. Closing the HTTP server waits for open connections,
 * but a client that hangs up leaves its request running with no connection; shutdown waits
 * here too before it closes the database under that request.
 */
export class InFlightRequests {
  private count = 0;
  private idle: Array<() => void> = [];

  /** Marks one request as started; call the returned function once when it is done. */
  start(): () => void {
    this.count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count -= 1;
      if (this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
  }

  /** Resolves true when nothing is in flight, or false after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
    const idle = new Promise<boolean>((resolve) => this.idle.push(() => resolve(true)));
    return Promise.race([idle, sleep(timeoutMs, false, { ref: false })]);
  }

  /** Tracks every GraphQL operation from its start to its response. */
  plugin(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async () => {
        const end = this.start();
        return {
          willSendResponse: async () => end(),
        };
      },
    };
  }
}

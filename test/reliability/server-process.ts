import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/db/embedded-postgres';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** One parsed line of a server process's output. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** Set when the line is a pino JSON record. */
  json?: { level?: number; msg?: string; [key: string]: unknown };
}

/**
 * A real server process (`node -r @swc-node/register src/main.ts`), as production runs it,
 * with every line it writes kept for the test to inspect.
 */
export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  lines: LogLine[];
  /** Set once the process has exited, however it ended. */
  exit?: { code: number | null; signal: NodeJS.Signals | null; expected: boolean };
  /** pino records at error level or above, and anything on stderr that is not a pino record (from line `from` on). */
  errorLines(from?: number): LogLine[];
  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const PINO_ERROR = 50;

/** Spawns the server with exactly `env` (plus PATH and HOME) and waits for GET /health to answer 200. */
export async function startServerProcess(name: string, env: Record<string, string>, options: { startTimeoutMs?: number } = {}): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? REPO_ROOT, ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let stopping = false;
  const collect = (stream: 'stdout' | 'stderr') => {
    let rest = '';
    child[stream]!.setEncoding('utf8');
    child[stream]!.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const text of parts) if (text.trim()) lines.push(parse(stream, text));
    });
    child[stream]!.on('end', () => {
      if (rest.trim()) lines.push(parse(stream, rest));
    });
  };
  collect('stdout');
  collect('stderr');

  const server: ServerProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    lines,
    errorLines: (from = 0) => lines.slice(from).filter((l) => (l.json ? (l.json.level ?? 0) >= PINO_ERROR : l.stream === 'stderr')),
    async stop(graceMs = 15_000) {
      stopping = true;
      if (!server.exit) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
      return { code: server.exit!.code, signal: server.exit!.signal };
    },
  };
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      server.exit = { code, signal, expected: stopping };
      resolve();
    });
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (server.exit) {
      throw new Error(`${name} exited before it was healthy (code ${server.exit.code}):\n${lines.map((l) => l.text).join('\n')}`);
    }
    const healthy = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) return server;
    if (Date.now() > deadline) {
      await server.stop(1_000);
      throw new Error(`${name} did not answer GET /health within the time limit:\n${lines.map((l) => l.text).join('\n')}`);
    }
    await sleep(100);
  }
}

function parse(stream: 'stdout' | 'stderr', text: string): LogLine {
  if (text.startsWith('{')) {
    try {
      return { stream, text, json: JSON.parse(text) as LogLine['json'] };
    } catch {
      // not a pino record
    }
  }
  return { stream, text };
}

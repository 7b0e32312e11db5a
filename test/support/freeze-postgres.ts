import { readdirSync, readFileSync } from 'node:fs';

/** The children of `pid` (PostgreSQL's backends and background workers), from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === pid) children.push(Number(entry));
  }
  return children;
}

/**
 * Freezes a whole PostgreSQL server as a hung host would: SIGSTOP to the postmaster first (so
 * it forks no new backend), then to every process it started. Connections stay open and their
 * sockets keep accepting bytes, but nothing answers. Returns what `thaw` needs.
 */
export function freezePostgres(postmasterPid: number): number[] {
  process.kill(postmasterPid, 'SIGSTOP');
  const children = childrenOf(postmasterPid);
  for (const pid of children) process.kill(pid, 'SIGSTOP');
  return [postmasterPid, ...children];
}

export function thawPostgres(pids: number[]): void {
  for (const pid of [...pids].reverse()) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
}

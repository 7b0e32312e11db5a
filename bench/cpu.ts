import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * CPU time of this process's main thread (the server, or the baseline's pg client) and of the
 * PostgreSQL server, from /proc. Throughput on a shared machine moves with the neighbours'
 * load; CPU time per request barely does, so it is the steadier way to compare costs.
 */
export interface CpuTimes {
  mainThreadMs: number;
  /** The process's other threads: the HTTP load generator's worker (API runs only) and V8's GC helpers. */
  otherThreadsMs: number;
  postgresMs: number;
}

export interface CpuMeter {
  read(): CpuTimes;
}

/** Undefined where /proc is not there (not Linux) or the database is not on this machine. */
export async function cpuMeter(pool: pg.Pool): Promise<CpuMeter | undefined> {
  let tickMs: number;
  let postmaster: number;
  try {
    tickMs = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
    postmaster = stat(rows[0].pid).ppid;
    stat(postmaster);
  } catch {
    return undefined;
  }
  const mainThread = () => {
    const { utime, stime } = stat(process.pid, `/proc/${process.pid}/task/${process.pid}/stat`);
    return (utime + stime) * tickMs;
  };
  const postgres = () => {
    // Backends that have exited are in the postmaster's children's time (cutime, cstime).
    const { utime, stime, cutime, cstime } = stat(postmaster);
    let ticks = utime + stime + cutime + cstime;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const child = stat(Number(entry));
        if (child.ppid === postmaster) ticks += child.utime + child.stime;
      } catch {
        // The process ended while we looked.
      }
    }
    return ticks * tickMs;
  };
  const wholeProcess = () => {
    const { utime, stime } = stat(process.pid);
    return (utime + stime) * tickMs;
  };
  return {
    read: () => {
      const main = mainThread();
      return { mainThreadMs: main, otherThreadsMs: wholeProcess() - main, postgresMs: postgres() };
    },
  };
}

function stat(pid: number, file = `/proc/${pid}/stat`) {
  const text = readFileSync(file, 'utf8');
  // The command name is in parentheses and may hold spaces; the fields follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5).
  const field = (n: number) => Number(fields[n - 3]);
  return { ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

import type { LoadResult } from './http-load';
import type { ProfileSummary } from './profile';

export const fixed = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const times = (ratio: number) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—');
const percent = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The runs of one comparison: API and baseline alternately, round after round. */
export class Comparison {
  readonly api: LoadResult[] = [];
  readonly sql: LoadResult[] = [];

  /** Median over the rounds of a metric on each side, and the median of the per-round ratios. */
  median(metric: (result: LoadResult) => number): { api: number; sql: number; ratio: number } {
    const ratios = this.api.map((api, i) => metric(api) / metric(this.sql[i]));
    return { api: median(this.api.map(metric)), sql: median(this.sql.map(metric)), ratio: median(ratios) };
  }
}

interface Row {
  label: string;
  api: string;
  baseline: string;
  ratio: string;
}

export interface ProfileReport {
  name: string;
  perSecond: number;
  file: string;
  summary: ProfileSummary;
}

/** What the run prints at the end: one table, the statements of a checkout, the profiles, and notes. */
export class Report {
  private readonly rows: Row[] = [];
  private readonly notes: string[] = [];

  section(label: string): void {
    this.rows.push({ label, api: '', baseline: '', ratio: '' });
  }

  row(label: string, api: string, baseline = '', ratio = ''): void {
    this.rows.push({ label: `   ${label}`, api, baseline, ratio });
  }

  /** Something the numbers alone would hide: a refused checkout, an answer that differs. */
  note(text: string): void {
    this.notes.push(text);
  }

  /** CPU milliseconds per request on each side, when the machine lets us measure them. */
  cpuRows(comparison: Comparison, unit: string): void {
    if (![...comparison.api, ...comparison.sql].every((r) => r.cpu)) return;
    const node = comparison.median((r) => r.cpu!.mainThreadMs / r.completed);
    const postgres = comparison.median((r) => r.cpu!.postgresMs / r.completed);
    this.row(`CPU ms per ${unit}: Node main thread`, fixed(node.api, 2), fixed(node.sql, 2), times(node.ratio));
    this.row(`CPU ms per ${unit}: PostgreSQL`, fixed(postgres.api, 2), fixed(postgres.sql, 2), times(postgres.ratio));
    const others = comparison.median((r) => r.cpu!.otherThreadsMs / r.completed);
    this.row(`CPU ms per ${unit}: load generator and GC threads`, fixed(others.api, 2), fixed(others.sql, 2));
  }

  print(run: { heading: string[]; checkoutStatements: string[]; profiles: ProfileReport[]; footer: string }): void {
    const headers: Row = { label: 'Benchmark', api: 'API', baseline: 'SQL baseline', ratio: 'API / baseline' };
    const width = (key: keyof Row) => Math.max(...[headers, ...this.rows].map((r) => r[key].length));
    const line = (r: Row) =>
      `| ${r.label.padEnd(width('label'))} | ${r.api.padStart(width('api'))} | ${r.baseline.padStart(width('baseline'))} | ${r.ratio.padStart(width('ratio'))} |`;
    const rule = `|${'-'.repeat(width('label') + 2)}|${'-'.repeat(width('api') + 1)}:|${'-'.repeat(width('baseline') + 1)}:|${'-'.repeat(width('ratio') + 1)}:|`;

    const out = [...run.heading, '', line(headers), rule, ...this.rows.map(line), ''];
    out.push('Statements of one API checkout (1 line):');
    for (const sql of run.checkoutStatements) out.push(`  ${sql.replace(/\s+/g, ' ').slice(0, 100)}`);
    out.push('');
    for (const { name, perSecond, file, summary } of run.profiles) {
      out.push(`CPU profile of the server thread: ${name}, ${fixed(perSecond)}/s while profiled, ${percent(summary.idleShare).trim()} idle; shares of the busy time (${file})`);
      out.push(`  ${'by package (builtins charged to their caller)'.padEnd(48)}hottest functions (own time)`);
      for (let i = 0; i < Math.max(summary.byPackage.length, summary.byFunction.length); i += 1) {
        const left = summary.byPackage[i] ? `${percent(summary.byPackage[i].share)} ${summary.byPackage[i].name}` : '';
        const right = summary.byFunction[i] ? `${percent(summary.byFunction[i].share)} ${summary.byFunction[i].name}` : '';
        out.push(`  ${left.padEnd(48)}${right}`);
      }
      out.push('');
    }
    if (this.notes.length) out.push('Notes:', ...this.notes.map((note) => `  - ${note}`), '');
    out.push(run.footer);
    process.stdout.write(out.join('\n') + '\n');
  }
}

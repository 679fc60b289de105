/**
 * The plan's three outputs: a text table for people, `--json`, and `--format github-matrix` for a
 * workflow's `fromJSON`.
 */
import { type Diagnostic, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { toJson } from '../diagnostics/render.js';
import { jobJson, type Plan, type PlanJob, type PlannedJob } from './jobs.js';

/** GitHub Actions runs at most 256 jobs per matrix. */
export const MATRIX_LIMIT = 256;

export function planJson(plan: Plan): { jobs: PlanJob[]; warnings: ReturnType<typeof toJson>[] } {
  return { jobs: plan.jobs.map(jobJson), warnings: sortDiagnostics(plan.warnings).map(toJson) };
}

/**
 * `--format github-matrix`: the assigned jobs split into matrices of at most 256 entries, for
 *   jobs.<run>.strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix).chunks[0] }}   (fixed chunk jobs)
 * or an outer matrix over `chunks` calling a reusable workflow with `toJSON(matrix.chunk)`. `empty` is
 * true when nothing is to run (skip on it: `if: fromJSON(needs.plan.outputs.matrix).empty == false`);
 * `count` is the number of entries; `unassigned` the jobs left out because no Runner serves their dataset
 * (they cannot run anywhere).
 */
export interface GithubMatrix {
  empty: boolean;
  count: number;
  unassigned: number;
  chunks: { include: PlanJob[] }[];
}

export function githubMatrix(plan: Plan, limit = MATRIX_LIMIT): GithubMatrix {
  const assigned = plan.jobs.filter((j) => j.runner !== null).map(jobJson);
  const chunks: { include: PlanJob[] }[] = [];
  for (let i = 0; i < assigned.length; i += limit) chunks.push({ include: assigned.slice(i, i + limit) });
  return {
    empty: assigned.length === 0,
    count: assigned.length,
    unassigned: plan.jobs.length - assigned.length,
    chunks,
  };
}

/** The text table: one row per job, then a count line. */
export function renderPlanText(plan: Plan, where: string): string {
  if (plan.jobs.length === 0) return `${where}: nothing to run`;
  const rows = plan.jobs.map((job) => [
    job.id,
    job.benchmark,
    job.dataset,
    job.model,
    job.reason === 'stale' ? `stale (${job.changed.join(', ')})` : 'new',
    runnerCell(job),
  ]);
  const header = ['ID', 'BENCHMARK', 'DATASET', 'MODEL', 'REASON', 'RUNNER'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const stale = plan.jobs.filter((j) => j.reason === 'stale').length;
  const unassigned = plan.jobs.filter((j) => j.runner === null).length;
  return [
    line(header),
    ...rows.map(line),
    `${where}: ${plan.jobs.length} job(s): ${plan.jobs.length - stale} new, ${stale} stale; ${unassigned} unassigned`,
  ].join('\n');
}

function runnerCell(job: PlannedJob): string {
  if (job.runner === null) return 'unassigned';
  const more = job.otherRunners.length ? ` (+${job.otherRunners.length} more)` : '';
  return `${job.runner} [${job.labels.join(', ')}]${more}`;
}

/** Warnings as the text output prints them (stderr). */
export function planWarnings(plan: Plan): Diagnostic[] {
  return sortDiagnostics(plan.warnings);
}

/**
 * One benchmark's leaderboard as data, holding exactly what its sharing level allows: the HTML page,
 * the JSON file next to it and `leaderboard show` all render this value and nothing else, so what a
 * level forbids is left out once, here.
 */
import { UNSIGNED, UNSIGNED_WHY } from '../registry/result-signed.js';
import { atLeastAsDetailed, DEFAULT_MIN_CASES } from '../registry/sharing.js';
import type { SharingLevel } from '../registry/types.generated.js';
import type { BenchmarkInput, ResultCell } from './collect.js';
import {
  intervalLabel,
  METHOD_LABELS,
  type PoolCell,
  type PooledMetric,
  type PoolMethod,
  pooledMetricNames,
  poolMetric,
} from './pool.js';
import { median } from './statistics.js';
import { checkPublication, planPool } from './suppression.js';

export type View = 'public' | 'participants';

/** The schema id of the JSON form (`leaderboard show --format json`, `<benchmark>.json`). */
export const BOARD_SCHEMA = 'gitperf.leaderboard/v1';

export interface BoardNote {
  code: string;
  message: string;
}

export interface MetricView {
  name: string;
  value?: number;
  low?: number;
  high?: number;
  method: PoolMethod;
  methodLabel: string;
  intervalLabel: string;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
  /** Sites the spread is over (those at or above the threshold). */
  sites: number;
}

export interface CubeHash {
  role: string;
  ref: string;
  manifest: string;
}

export interface Provenance {
  /** Result files the pooled numbers come from: only under `full` (their paths name the sites). */
  files?: string[];
  fileCount: number;
  /** Commits that merged those files (full shas), when the registry is read from git. */
  commits: string[];
  /** The cubes that produced them, by manifest hash. */
  cubes: CubeHash[];
  /** Every one of those results is signed by its runner. */
  signed: boolean;
  /** How many of them are unsigned (submitted by hand): the numbers they enter are marked `unsigned`. */
  unsigned: number;
}

export interface ModelRow {
  /** 1-based; ties share a rank; absent when the model has no primary-metric value. */
  rank?: number;
  model: string;
  /** Sites and cases of the pooled numbers. */
  sites: number;
  cases: number;
  primary?: MetricView;
  metrics: MetricView[];
  /** Why the pooled numbers are not shown (too few cases). */
  suppressed?: string;
  /** Spread of the primary metric across sites, never naming one (per-model and full). */
  spread?: Spread;
  /** Runs that did not complete on every case, and what failed as far as the level may say. */
  partial?: { count: number; what: string[] };
  notes: string[];
  provenance: Provenance;
}

export type CellState = 'shown' | 'suppressed' | 'missing' | 'no-statistics' | 'encrypted';

export interface MatrixCell {
  state: CellState;
  value?: number;
  cases?: number;
  partial?: boolean;
  /** Whether the cell's result is signed (any cell holding a result). */
  signed?: boolean;
  /** The result file and the commit that merged it. */
  file?: string;
  commit?: string;
}

export interface Matrix {
  metric: string;
  datasets: string[];
  rows: { model: string; cells: MatrixCell[] }[];
}

/** Whose rows a participant's board holds (absent: the whole benchmark). */
export interface BoardScope {
  /** The participant. */
  login: string;
  /** model owner: their models' rows over every dataset; data owner: every model's rows on their datasets. */
  role: 'model owner' | 'data owner';
  /** Their models or datasets (`owner/name`). */
  refs: string[];
}

export interface Board {
  schema: typeof BOARD_SCHEMA;
  benchmark: string;
  /** Only on a participant's own boards (`leaderboard show --as`, `build --participants-out`). */
  scope?: BoardScope;
  description?: string;
  view: View;
  level: SharingLevel;
  primaryMetric: string;
  higherIsBetter: boolean;
  minCasesPerCell: number;
  /** Which models are listed: `all`, `top N`, `opted-in` (public view), `all (participants)`. */
  selection: string;
  /** ranked; no-results (nothing merged yet); unranked (no model has a primary-metric value). */
  status: 'ranked' | 'no-results' | 'unranked';
  notes: BoardNote[];
  metricNames: string[];
  models: ModelRow[];
  /** Models with results that the selection leaves out. */
  hiddenModels: number;
  matrix?: Matrix;
}

export interface BoardOptions {
  view: View;
  /** Registry-relative path -> commit that merged it. */
  commits?: ReadonlyMap<string, string>;
}

/** The sharing level a view shows. */
export function levelOf(policy: BenchmarkInput['policy'], view: View): SharingLevel {
  if (view === 'public') return policy.sharing;
  const wanted = policy.participants ?? policy.sharing;
  // The validator refuses a less detailed participants' level; never show participants less anyway.
  return atLeastAsDetailed(wanted, policy.sharing) ? wanted : policy.sharing;
}

function metricView(metric: PooledMetric): MetricView {
  return {
    name: metric.name,
    ...(metric.value === undefined ? {} : { value: metric.value }),
    ...(metric.interval ? { low: metric.interval.low, high: metric.interval.high } : {}),
    method: metric.method,
    methodLabel: METHOD_LABELS[metric.method],
    intervalLabel: intervalLabel(metric),
  };
}

type Poolable = ResultCell & { stats: NonNullable<ResultCell['stats']> };

function isPoolable(cell: ResultCell): cell is Poolable {
  return !cell.encrypted && cell.stats !== undefined;
}

/**
 * The primary metric of one result alone (a site's value, for the spread and the matrix), computed once
 * per result: the same site value appears in both.
 */
function siteValues(primary: string): (cell: Poolable) => number | undefined {
  const values = new Map<Poolable, number | undefined>();
  return (cell) => {
    if (values.has(cell)) return values.get(cell);
    const value = poolMetric(primary, [poolCell(cell)]).value;
    values.set(cell, value);
    return value;
  };
}

function poolCell(cell: Poolable): PoolCell {
  return { stats: cell.stats, metrics: cell.metrics };
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Board-level notes on bad input, naming files only where the level names sites. */
function inputNotes(results: readonly ResultCell[], level: SharingLevel): BoardNote[] {
  const notes: BoardNote[] = [];
  const named = level === 'full';
  const list = (rs: readonly ResultCell[]) => (named ? `: ${rs.map((r) => r.file).join(', ')}` : '');
  const encrypted = results.filter((r) => r.encrypted);
  if (encrypted.length)
    notes.push({
      code: 'leaderboard.encrypted-results',
      message: `${plural(encrypted.length, 'result')} ${encrypted.length === 1 ? 'is' : 'are'} encrypted, not readable with the given identities (\`--identity\`: a committee member's age identity), and left out of every number${list(encrypted)}`,
    });
  const noStats = results.filter((r) => !r.encrypted && !r.stats);
  if (noStats.length)
    notes.push({
      code: 'leaderboard.no-sufficient-statistics',
      message: `${plural(noStats.length, 'result')} of ${results.length} ${noStats.length === 1 ? 'has' : 'have'} no sufficient statistics (cases and confusion counts), so ${noStats.length === 1 ? 'it is' : 'they are'} left out of the pooled numbers; re-run with a metrics cube that writes sufficient_statistics${list(noStats)}`,
    });
  const poolable = results.filter(isPoolable);
  for (const name of sortedUnique(poolable.flatMap((r) => Object.keys(r.metrics)))) {
    const missing = poolable.filter((r) => !(name in r.metrics));
    if (missing.length)
      notes.push({
        code: 'leaderboard.metric-missing',
        message: `metric "${name}" is missing from ${missing.length} of ${poolable.length} results; its pooled value covers only the others${list(missing)}`,
      });
  }
  return notes;
}

/** The flag of a row whose numbers include unsigned results (text, Markdown and the page say the same). */
export function unsignedFlag(provenance: Provenance): string | undefined {
  return provenance.unsigned
    ? `${UNSIGNED}: ${provenance.unsigned} of ${plural(provenance.fileCount, 'result')} (${UNSIGNED_WHY})`
    : undefined;
}

function provenanceOf(
  cells: readonly ResultCell[],
  level: SharingLevel,
  commits: ReadonlyMap<string, string> | undefined,
): Provenance {
  // By manifest first (one lookup per use; results mostly share their cubes), then role and ref.
  const byManifest = new Map<string, CubeHash[]>();
  for (const cell of cells)
    for (const usage of cell.cubes) {
      const manifest = usage.hashes.manifest;
      const known = byManifest.get(manifest);
      if (!known) byManifest.set(manifest, [{ role: usage.role, ref: usage.ref, manifest }]);
      else if (!known.some((k) => k.role === usage.role && k.ref === usage.ref))
        known.push({ role: usage.role, ref: usage.ref, manifest });
    }
  const cubes = [...byManifest.values()].flat();
  const files = cells.map((c) => c.file).sort();
  const shas = sortedUnique(files.map((f) => commits?.get(f)).filter((s): s is string => !!s));
  const unsigned = cells.filter((c) => !c.signed).length;
  return {
    ...(level === 'full' ? { files } : {}),
    fileCount: files.length,
    commits: shas,
    cubes: cubes.sort((a, b) => `${a.role}${a.ref}`.localeCompare(`${b.role}${b.ref}`)),
    signed: unsigned === 0,
    unsigned,
  };
}

function modelRow(
  model: string,
  results: readonly ResultCell[],
  ctx: {
    level: SharingLevel;
    /** The most detailed level anyone sees (participants'): every view pools the same sites. */
    poolLevel: SharingLevel;
    minCases: number;
    primary: string;
    metricNames: readonly string[];
    commits?: ReadonlyMap<string, string>;
    siteValue: (cell: Poolable) => number | undefined;
  },
): ModelRow {
  const poolable = results.filter(isPoolable);
  // Pools are planned for the most detailed level published to anyone: a participant sees the public
  // pool beside their own rows, so a pool over other sites could be recovered by subtraction.
  const poolPlan = planPool(
    poolable.map((r) => ({ site: r.dataset, cases: r.stats.cases })),
    ctx.poolLevel,
    ctx.minCases,
  );
  const plan = { ...poolPlan, shown: ctx.level === 'aggregate' ? [] : poolPlan.shown };
  const casesBySite = new Map(poolable.map((r) => [r.dataset, r.stats.cases]));
  const published = [
    ...(plan.poolPublished ? [{ label: `the pooled numbers of ${model}`, sites: plan.pooled }] : []),
    ...plan.shown.map((s) => ({ label: `the value of ${model} at one site`, sites: [s] })),
  ];
  const violations = checkPublication(published, casesBySite, ctx.minCases);
  // planPool only plans publishable sets; a violation here is a bug, and publishing it would leak.
  if (violations.length) throw new Error(`leaderboard: unsafe publication plan: ${violations[0].message}`);

  const inPool = new Set(plan.pooled);
  const pooledCells = poolable.filter((r) => inPool.has(r.dataset));
  const notes: string[] = [];
  if (plan.leftOut.length)
    notes.push(
      `${plural(plan.leftOut.length, 'site')} below ${ctx.minCases} cases left out of the pooled numbers, so that no small site can be recovered by subtraction`,
    );
  const partialRuns = results.filter((r) => r.partial);
  const partial = partialRuns.length
    ? {
        count: partialRuns.length,
        what:
          ctx.level === 'full'
            ? partialRuns.map(
                (run) =>
                  `${run.dataset}: the model did not complete on every case (coverage ${formatCoverage(run.metrics.coverage)})`,
              )
            : [`${partialRuns.length} of ${results.length} runs did not complete on every case`],
      }
    : undefined;
  const provenance = provenanceOf(pooledCells, ctx.level, ctx.commits);
  const sites = pooledCells.filter((r) => r.stats.cases > 0).length;
  const cases = pooledCells.reduce((n, r) => n + r.stats.cases, 0);
  if (!plan.poolPublished) {
    return {
      model,
      sites,
      cases: 0,
      metrics: [],
      suppressed: `fewer than ${ctx.minCases} cases in total`,
      ...(partial ? { partial } : {}),
      notes,
      provenance,
    };
  }
  const cells = pooledCells.map(poolCell);
  const metrics = ctx.metricNames.map((name) => metricView(poolMetric(name, cells)));
  const primary = metrics.find((m) => m.name === ctx.primary);
  let spread: Spread | undefined;
  if (ctx.level !== 'aggregate' && primary) {
    const shown = new Set(plan.shown);
    const values = poolable
      .filter((r) => shown.has(r.dataset))
      .map(ctx.siteValue)
      .filter((v): v is number => v !== undefined);
    if (values.length)
      spread = {
        min: Math.min(...values),
        median: median(values),
        max: Math.max(...values),
        sites: values.length,
      };
  }
  return {
    model,
    sites,
    cases,
    ...(primary ? { primary } : {}),
    metrics,
    ...(spread ? { spread } : {}),
    ...(partial ? { partial } : {}),
    notes,
    provenance,
  };
}

function formatCoverage(v: number | undefined): string {
  return typeof v === 'number' && !Number.isNaN(v) ? String(Math.round(v * 1000) / 1000) : 'unknown';
}

/** Orders rows best first and numbers them (ties share a rank); rows without a value go last. */
function rankRows(rows: ModelRow[], higherIsBetter: boolean): ModelRow[] {
  const valued = rows.filter((r) => r.primary?.value !== undefined);
  const rest = rows
    .filter((r) => r.primary?.value === undefined)
    .sort((a, b) => a.model.localeCompare(b.model));
  const sign = higherIsBetter ? -1 : 1;
  valued.sort(
    (a, b) =>
      sign * ((a.primary?.value as number) - (b.primary?.value as number)) || a.model.localeCompare(b.model),
  );
  let rank = 0;
  valued.forEach((row, i) => {
    if (i === 0 || row.primary?.value !== valued[i - 1].primary?.value) rank = i + 1;
    row.rank = rank;
  });
  return [...valued, ...rest.map(({ rank: _unused, ...r }) => r)];
}

function selectionLabel(policy: BenchmarkInput['policy'], view: View): string {
  if (view === 'participants') return 'all (participants)';
  const selection = policy.leaderboard ?? 'all';
  return typeof selection === 'string' ? selection : `top ${selection.top}`;
}

function matrixOf(
  results: readonly ResultCell[],
  models: readonly string[],
  primary: string,
  minCases: number,
  commits: ReadonlyMap<string, string> | undefined,
  siteValue: (cell: Poolable) => number | undefined,
): Matrix {
  const listed = new Set(models);
  const datasets = sortedUnique(results.filter((r) => listed.has(r.model)).map((r) => r.dataset));
  // model -> dataset -> result (nested maps: no key string built per cell).
  const byModel = new Map<string, Map<string, ResultCell>>();
  for (const result of results) {
    const row = byModel.get(result.model);
    if (row) row.set(result.dataset, result);
    else byModel.set(result.model, new Map([[result.dataset, result]]));
  }
  const rows = models.map((model) => {
    const row = byModel.get(model);
    return {
      model,
      cells: datasets.map((dataset): MatrixCell => {
        const result = row?.get(dataset);
        if (!result) return { state: 'missing' };
        if (result.encrypted) return { state: 'encrypted', signed: result.signed };
        if (!result.stats) return { state: 'no-statistics', signed: result.signed };
        if (result.stats.cases < minCases)
          return { state: 'suppressed', ...(result.partial ? { partial: true } : {}), signed: result.signed };
        const value = siteValue(result as Poolable);
        const commit = commits?.get(result.file);
        // Built field by field (9,000 cells a page; spreads of optional fields cost more), in this order.
        const cell: MatrixCell = { state: 'shown' };
        if (value !== undefined) cell.value = value;
        cell.cases = result.stats.cases;
        if (result.partial) cell.partial = true;
        cell.signed = result.signed;
        cell.file = result.file;
        if (commit) cell.commit = commit;
        return cell;
      }),
    };
  });
  return { metric: primary, datasets, rows };
}

export function buildBoard(input: BenchmarkInput, opts: BoardOptions): Board {
  const { policy } = input;
  const level = levelOf(policy, opts.view);
  const minCases = policy.minCasesPerCell ?? DEFAULT_MIN_CASES;
  const base = {
    schema: BOARD_SCHEMA,
    benchmark: input.name,
    ...(input.description ? { description: input.description } : {}),
    view: opts.view,
    level,
    primaryMetric: policy.primaryMetric,
    higherIsBetter: policy.higherIsBetter,
    minCasesPerCell: minCases,
    selection: selectionLabel(policy, opts.view),
  } as const;
  if (input.results.length === 0) {
    return {
      ...base,
      status: 'no-results',
      notes: [
        {
          code: 'leaderboard.no-results',
          message: `no results have been merged for ${input.name} yet; the leaderboard fills in as sites submit theirs`,
        },
      ],
      metricNames: [],
      models: [],
      hiddenModels: 0,
    };
  }
  const notes = inputNotes(input.results, level);
  const poolable = input.results.filter(isPoolable);
  const metricNames = pooledMetricNames(
    poolable.flatMap((r) => Object.keys(r.metrics)),
    poolable.length > 0,
  );
  const primaryKnown = metricNames.includes(policy.primaryMetric);
  if (!primaryKnown)
    notes.push({
      code: 'leaderboard.no-primary-metric',
      message: `no result reports the primary metric "${policy.primaryMetric}", so the models are not ranked${metricNames.length ? `; the results report ${metricNames.join(', ')}` : ''}`,
    });
  const byModel = new Map<string, ResultCell[]>();
  for (const result of input.results) {
    const list = byModel.get(result.model);
    if (list) list.push(result);
    else byModel.set(result.model, [result]);
  }
  const siteValue = siteValues(policy.primaryMetric);
  const ctx = {
    siteValue,
    level,
    poolLevel: levelOf(policy, 'participants'),
    minCases,
    primary: policy.primaryMetric,
    metricNames,
    commits: opts.commits,
  };
  let rows = rankRows(
    [...byModel].map(([model, results]) => modelRow(model, results, ctx)),
    policy.higherIsBetter,
  );
  const total = rows.length;
  if (opts.view === 'public') {
    const selection = policy.leaderboard ?? 'all';
    if (selection === 'opted-in') {
      const optedIn = new Set(input.models.filter((m) => m.optIn).map((m) => m.model));
      rows = rankRows(
        rows.filter((r) => optedIn.has(r.model)),
        policy.higherIsBetter,
      );
    } else if (typeof selection === 'object') {
      rows = rows.filter((r) => r.rank !== undefined && r.rank <= selection.top);
    }
  }
  const status = rows.some((r) => r.rank !== undefined) ? 'ranked' : 'unranked';
  if (status === 'unranked' && primaryKnown && rows.length)
    notes.push({
      code: 'leaderboard.no-primary-value',
      message: `no listed model has a value of "${policy.primaryMetric}" that may be published, so the models are not ranked`,
    });
  const matrix =
    level === 'full' && primaryKnown
      ? matrixOf(
          input.results,
          rows.map((r) => r.model),
          policy.primaryMetric,
          minCases,
          opts.commits,
          siteValue,
        )
      : undefined;
  return {
    ...base,
    status,
    notes,
    metricNames,
    models: rows,
    hiddenModels: total - rows.length,
    ...(matrix ? { matrix } : {}),
  };
}

/**
 * Small-cell suppression. No published number may come from fewer than `minCases` cases, and a
 * pooled number may include a small site only if that site's value cannot be recovered by
 * subtraction from the other numbers published beside it: for every published pool and every
 * published subset of it, the difference must be empty, hold no cases, or hold at least `minCases`.
 */
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import type { SharingLevel } from '../registry/types.generated.js';

/** A published number: the label says which, `sites` are the sites it is computed from. */
export interface PublishedSet {
  label: string;
  sites: readonly string[];
}

function casesOf(sites: Iterable<string>, casesBySite: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const site of sites) total += casesBySite.get(site) ?? 0;
  return total;
}

function recoverable(cases: number, minCases: number): boolean {
  return cases > 0 && cases < minCases;
}

/**
 * Checks a set of published numbers (of one model and metric family). Returns one diagnostic per
 * number that is too small or whose difference with another published number is.
 */
export function checkPublication(
  published: readonly PublishedSet[],
  casesBySite: ReadonlyMap<string, number>,
  minCases: number,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sets = published.map((cell) => ({
    ...cell,
    members: new Set(cell.sites),
    total: casesOf(cell.sites, casesBySite),
  }));
  for (const candidate of sets) {
    if (recoverable(candidate.total, minCases)) {
      out.push(
        error(
          'leaderboard.small-cell',
          `${candidate.label} would be computed from ${candidate.total} case(s), fewer than the benchmark's minCasesPerCell (${minCases})`,
        ),
      );
    }
    if (candidate.members.size < 2) continue;
    const covered = new Set<string>();
    let inside = 0;
    for (const smaller of sets) {
      if (smaller === candidate || smaller.members.size >= candidate.members.size) continue;
      let subset = true;
      for (const site of smaller.members)
        if (!candidate.members.has(site)) {
          subset = false;
          break;
        }
      if (!subset) continue;
      for (const site of smaller.members) covered.add(site);
      inside++;
      // b is inside a: the difference's cases are the totals' difference.
      const cases = candidate.total - smaller.total;
      if (recoverable(cases, minCases))
        out.push(
          error(
            'leaderboard.recoverable-by-subtraction',
            `${candidate.label} minus ${smaller.label} would reveal ${cases} case(s) (fewer than ${minCases}); publish only one of them`,
          ),
        );
    }
    // Several numbers inside a pool together (one alone is the pair check above): what none of them
    // covers is the pool minus their sum.
    if (inside > 1 && covered.size < candidate.members.size) {
      const residual = [...candidate.members].filter((s) => !covered.has(s));
      const cases = casesOf(residual, casesBySite);
      if (recoverable(cases, minCases))
        out.push(
          error(
            'leaderboard.recoverable-by-subtraction',
            `${candidate.label} minus the site numbers published inside it would reveal ${cases} case(s) (fewer than ${minCases})`,
          ),
        );
    }
  }
  return out;
}

export interface PoolPlan {
  /** Sites the pooled number is computed from. */
  pooled: string[];
  /** Sites whose own value is published (a matrix cell, or a value the spread may show). */
  shown: string[];
  /** Sites below the threshold: never shown on their own. */
  small: string[];
  /** Small sites left out of the pool so that subtraction cannot recover them. */
  leftOut: string[];
  /** false when the pool itself is below the threshold (the pooled number is suppressed). */
  poolPublished: boolean;
}

/**
 * Which sites a model's pooled number includes and which site values are shown, for a sharing level.
 * Under aggregate only the pool is published, so small sites stay in it; under per-model and full
 * the site values are published too, so small sites stay in the pool only when together they reach
 * the threshold (then the pool minus the shown sites recovers no small cell).
 */
export function planPool(
  sites: readonly { site: string; cases: number }[],
  level: SharingLevel,
  minCases: number,
): PoolPlan {
  const small = sites.filter((s) => s.cases < minCases).map((s) => s.site);
  const shown = level === 'aggregate' ? [] : sites.filter((s) => s.cases >= minCases).map((s) => s.site);
  const smallCases = sites.filter((s) => s.cases < minCases).reduce((n, s) => n + s.cases, 0);
  const dropSmall = shown.length > 0 && small.length > 0 && smallCases < minCases;
  const pooled = dropSmall ? [...shown] : sites.map((s) => s.site);
  const inPool = new Set(pooled);
  const poolCases = sites.filter((s) => inPool.has(s.site)).reduce((n, s) => n + s.cases, 0);
  return {
    pooled,
    shown,
    small,
    leftOut: dropSmall ? small : [],
    poolPublished: poolCases >= minCases,
  };
}

/**
 * What a benchmark's sharing fields mean, once: the order of the sharing levels, the defaults of the
 * optional fields, and when one leaderboard selection can list a model another would not. The
 * validator (participants at least as detailed as sharing), the policy (loosening needs the data
 * owners) and the leaderboard (what a page shows) all read them from here.
 */
import type { Benchmark, LeaderboardSelection, SharingLevel } from './types.generated.js';

/** Sharing levels from least to most detailed. */
export const SHARING_ORDER: readonly SharingLevel[] = ['aggregate', 'per-model', 'full'];

/** True when `level` shows at least as much as `than`. */
export function atLeastAsDetailed(level: SharingLevel, than: SharingLevel): boolean {
  return SHARING_ORDER.indexOf(level) >= SHARING_ORDER.indexOf(than);
}

/** Used when a benchmark sets no minCasesPerCell (the schema's default). */
export const DEFAULT_MIN_CASES = 10;

/** The sharing fields of `spec.policy` with their defaults filled in. */
export interface SharingSettings {
  sharing: SharingLevel;
  /** The participants' level; default: sharing. */
  participants: SharingLevel;
  minCasesPerCell: number;
  leaderboard: LeaderboardSelection;
}

/** The names of the sharing fields under `spec.policy`. */
export const SHARING_FIELDS = ['sharing', 'participants', 'minCasesPerCell', 'leaderboard'] as const;

export function sharingSettings(policy: Benchmark['spec']['policy']): SharingSettings {
  return {
    sharing: policy.sharing,
    participants: policy.participants ?? policy.sharing,
    minCasesPerCell: policy.minCasesPerCell ?? DEFAULT_MIN_CASES,
    leaderboard: policy.leaderboard ?? 'all',
  };
}

/**
 * True when every model `inner` can list is one `outer` lists too, whatever the results and opt-ins:
 * `all` covers everything, `top: N` covers `top: M` for M <= N, `opted-in` covers only itself.
 */
export function selectionCovers(outer: LeaderboardSelection, inner: LeaderboardSelection): boolean {
  if (outer === 'all') return true;
  if (inner === 'all') return false;
  if (outer === 'opted-in' || inner === 'opted-in') return outer === inner;
  return inner.top <= outer.top;
}

/** `all`, `opted-in`, `top: 5`: as the YAML says it. */
export function selectionText(selection: LeaderboardSelection): string {
  return typeof selection === 'string' ? selection : `top: ${selection.top}`;
}

/** From leaderboard inputs (or a loaded registry) to the boards of every benchmark, for one view. */
import type { RegistryIndex } from '../registry/registry-index.js';
import { type Board, buildBoard, type View } from './board.js';
import { type BenchmarkInput, collectBenchmarks } from './collect.js';

export interface LeaderboardOptions {
  view: View;
  /** Registry-relative path -> commit that merged it (merge-commits.ts). */
  commits?: ReadonlyMap<string, string>;
  /** Only this benchmark. */
  benchmark?: string;
}

export function boardsOf(inputs: readonly BenchmarkInput[], opts: LeaderboardOptions): Board[] {
  return inputs
    .filter((b) => opts.benchmark === undefined || b.name === opts.benchmark)
    .map((b) => buildBoard(b, { view: opts.view, ...(opts.commits ? { commits: opts.commits } : {}) }));
}

export function buildBoards(index: RegistryIndex, opts: LeaderboardOptions): Board[] {
  return boardsOf(collectBenchmarks(index), opts);
}

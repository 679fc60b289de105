/**
 * The participants' view, person by person. When a benchmark's committee publishes it (its policy sets
 * `participants`), a model owner sees their own models' rows over every dataset, and a data owner every
 * model's rows on their own datasets, at the participants' level; everything else they see is the
 * public board. Each own board is built from the participant's own results only, so it cannot hold
 * anything of anyone else's beyond what the public board shows.
 */
import { splitOwnedRef } from '../registry/kinds.js';
import { type Board, type BoardScope, buildBoard } from './board.js';
import type { BenchmarkInput, ResultCell } from './collect.js';

const ownerOf = (ref: string): string | undefined => splitOwnedRef(ref)?.owner;

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Everyone with a model or a dataset in the results of a benchmark that publishes the participants' view. */
export function participantLogins(inputs: readonly BenchmarkInput[]): string[] {
  const logins: string[] = [];
  for (const input of inputs) {
    if (input.policy.participants === undefined) continue;
    for (const result of input.results)
      logins.push(...[ownerOf(result.model), ownerOf(result.dataset)].filter((o) => o !== undefined));
  }
  return sortedUnique(logins);
}

function ownBoard(
  input: BenchmarkInput,
  scope: BoardScope,
  results: ResultCell[],
  commits: ReadonlyMap<string, string> | undefined,
): Board {
  const board = buildBoard({ ...input, results }, { view: 'participants', ...(commits ? { commits } : {}) });
  return { ...board, scope };
}

/**
 * What `login` sees of each benchmark: the public board, then (where the participants' view is
 * published) a board of their own models and one of their own datasets.
 */
export function participantBoards(
  inputs: readonly BenchmarkInput[],
  login: string,
  opts: { commits?: ReadonlyMap<string, string>; benchmark?: string } = {},
): Board[] {
  const who = login.toLowerCase();
  const boards: Board[] = [];
  for (const input of inputs) {
    if (opts.benchmark !== undefined && input.name !== opts.benchmark) continue;
    boards.push(buildBoard(input, { view: 'public', ...(opts.commits ? { commits: opts.commits } : {}) }));
    if (input.policy.participants === undefined) continue;
    const mine = (ref: string) => ownerOf(ref) === who;
    const models = sortedUnique(input.results.filter((r) => mine(r.model)).map((r) => r.model));
    if (models.length)
      boards.push(
        ownBoard(
          input,
          { login: who, role: 'model owner', refs: models },
          input.results.filter((r) => mine(r.model)),
          opts.commits,
        ),
      );
    const datasets = sortedUnique(input.results.filter((r) => mine(r.dataset)).map((r) => r.dataset));
    if (datasets.length)
      boards.push(
        ownBoard(
          input,
          { login: who, role: 'data owner', refs: datasets },
          input.results.filter((r) => mine(r.dataset)),
          opts.commits,
        ),
      );
  }
  return boards;
}

/** "your models lee/bc-centroid" — how a scoped board is titled. */
export function scopeTitle(scope: BoardScope): string {
  const what = scope.role === 'model owner' ? 'model' : 'dataset';
  return `@${scope.login}'s own ${what}${scope.refs.length === 1 ? '' : 's'} ${scope.refs.join(', ')} (participants' view)`;
}

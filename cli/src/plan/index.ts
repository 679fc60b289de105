/**
 * `gitperf plan` as one call: read the registry (plan-input.ts) while git tells the associations' ages
 * (association-age.ts), then compute the jobs (jobs.ts). Renderers are in render.ts.
 */
import { cleanBlobIds } from '../git/git.js';
import type { FileSource } from '../registry/file-source.js';
import { associationAges, type GitLocation } from './association-age.js';
import { type Plan, planJobs } from './jobs.js';
import { type PlanScope, readPlanInput } from './plan-input.js';
import { folderPlanFiles } from './registry-files.js';

export type { GitLocation } from './association-age.js';
export { checkoutLocation } from './association-age.js';
export type { Plan, PlanJob, PlannedJob } from './jobs.js';
export type { PlanScope } from './plan-input.js';

/**
 * `folder`: the registry folder on disk that `source` reads, when it is one; then only the folders the
 * scope needs are listed. `cacheDir`: the home layout's `parseCache` (see plan-input.ts PlanCache).
 */
export async function makePlan(
  source: FileSource,
  scope: PlanScope,
  git: GitLocation | undefined,
  folder?: string,
  opts: { cacheDir?: string } = {},
): Promise<Plan> {
  const agesP = git ? associationAges(git) : Promise.resolve(undefined);
  // A plan over the whole registry reads tens of thousands of results: git names the unchanged ones and
  // the parse cache has what they record. A narrow plan (one runner's or one dataset's) reads a few
  // hundred files, faster than asking git about the whole tree.
  const wide = !scope.runner && !scope.dataset?.includes('/');
  const cached =
    folder && wide && opts.cacheDir ? { dir: opts.cacheDir, blobIds: cleanBlobIds(folder) } : undefined;
  const input = await readPlanInput(source, scope, folder ? folderPlanFiles(folder) : undefined, cached);
  return planJobs(input, await agesP, scope);
}

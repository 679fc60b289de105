/**
 * `gitperf plan` as one call: read the registry (plan-input.ts) while git tells the associations' ages
 * (association-age.ts), then compute the jobs (jobs.ts). Renderers are in render.ts.
 */
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
 * scope needs are listed.
 */
export async function makePlan(
  source: FileSource,
  scope: PlanScope,
  git: GitLocation | undefined,
  folder?: string,
): Promise<Plan> {
  const agesP = git ? associationAges(git) : Promise.resolve(undefined);
  const input = await readPlanInput(source, scope, folder ? folderPlanFiles(folder) : undefined);
  return planJobs(input, await agesP, scope);
}

/**
 * `gitperf runner register`: a hospital declares a self-hosted runner (its labels, the datasets it serves)
 * in `registry/runners/<owner>/<name>.yaml`, so the execution workflow sends jobs for those datasets to it.
 * Self-service.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { isName, ownedRef } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import type { Runner } from '../registry/types.generated.js';
import { me, type Participant } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';
import { failUnregistered } from './unmerged.js';

export interface RunnerRegisterInput {
  name: string;
  /** Datasets it serves: `owner/name` or a bare name of your own. */
  datasets: string[];
  /** Default: self-hosted, gitperf and your login. */
  labels?: string[];
  publicKey?: string;
  description?: string;
  /**
   * How the owner consents to the results it submits: `review` (each result submission waits for the
   * owner's approving review) or `standing` (this Runner entity is the consent). Default: review, unwritten.
   */
  consent?: 'review' | 'standing';
}

export interface RunnerRegisterOutcome extends SubmitOutcome {
  path: string;
  entity: Runner;
}

/** The Runner entity `owner` declares (datasets as `owner/name`). */
export function runnerEntity(owner: string, input: RunnerRegisterInput): Runner {
  const datasets = input.datasets.map((d) => (d.includes('/') ? d : `${owner}/${d}`));
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Runner',
    metadata: { name: input.name, owner, ...(input.description ? { description: input.description } : {}) },
    spec: {
      labels: input.labels ?? ['self-hosted', 'gitperf', owner],
      datasets,
      ...(input.consent ? { consent: input.consent } : {}),
      ...(input.publicKey ? { publicKey: input.publicKey } : {}),
    },
  };
}

export async function registerRunner(
  p: Participant,
  input: RunnerRegisterInput,
): Promise<RunnerRegisterOutcome> {
  const owner = me(p);
  if (!isName(input.name))
    fail(
      'runner.name-invalid',
      `"${input.name}" is not a valid runner name (lower-case letters, digits and -)`,
      {},
      2,
    );
  const datasets = input.datasets.map((d) => (d.includes('/') ? d : `${owner}/${d}`));
  if (datasets.length === 0)
    fail('runner.no-dataset', 'name at least one --dataset the runner serves', {}, 2);
  const snap = await registrySnapshot(p.sub, p.home);
  for (const d of datasets)
    if (!snap.registry.index.get('Dataset', d))
      await failUnregistered(p, {
        code: 'runner.dataset-unregistered',
        what: `dataset ${d}`,
        path: repoEntityPath('Dataset', d),
        howToAdd: 'register it first (`gitperf dataset register`) and have it merged',
      });
  const entity = runnerEntity(owner, { ...input, datasets });
  checkSchema('Runner', entity);
  const path = repoEntityPath('Runner', ownedRef(owner, input.name));
  const out = await submit(p, [entityFile(path, entity)]);
  return { ...out, path, entity };
}

/**
 * `gitperf dataset register NAME`: after `gitperf dataset prepare`, submit the Dataset entity (metadata
 * only: hashes and statistics; the data never leaves) as `registry/datasets/<owner>/<name>.yaml`. The
 * exact file is shown and consent asked before anything is sent. Self-service.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { ownedRef } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import type { Dataset } from '../registry/types.generated.js';
import { toYaml } from '../workflows/atomic.js';
import { layout } from '../workflows/layout.js';
import { loadPreparedDataset } from '../workflows/prepare-dataset.js';
import { requireConsent } from './consent.js';
import { me, type Participant } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { entityFile, indent, type SubmitOutcome, submit } from './submit.js';

export interface DatasetRegisterInput {
  /** Name of the dataset prepared on this machine. */
  name: string;
  /** Keep it in `development` state (default `operation`: benchmarks can use it, its hashes are frozen). */
  development?: boolean;
}

export interface DatasetRegisterOutcome extends SubmitOutcome {
  path: string;
  entity: Dataset;
}

export async function registerDataset(
  participant: Participant,
  input: DatasetRegisterInput,
): Promise<DatasetRegisterOutcome> {
  const ds = await loadPreparedDataset(input.name, layout(participant.home));
  const owner = ds.entity.metadata.owner;
  if (owner !== me(participant))
    fail(
      'dataset.not-owner',
      `dataset ${input.name} was prepared for ${owner}, but you act as ${me(participant)}; only the data owner registers it (use their profile, or prepare with --owner ${me(participant)})`,
    );
  const entity: Dataset = {
    ...ds.entity,
    spec: { ...ds.entity.spec, state: input.development ? 'development' : 'operation' },
  };
  checkSchema('Dataset', entity);
  const path = repoEntityPath('Dataset', ownedRef(owner, input.name));
  const text = toYaml(entity);
  // Consent is asked once the policy's forecast passes (inside submit), never for a refused submission.
  const out = await submit(participant, [entityFile(path, entity)], {
    confirm: async () =>
      requireConsent(
        await participant.consent(
          `This is everything that will be published about ${owner}/${input.name} (${path}); the data itself stays here:\n\n${indent(text)}`,
          `Publish this metadata to the registry?`,
        ),
      ),
  });
  return { ...out, path, entity };
}

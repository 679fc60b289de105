/**
 * `gitperf association priority`: the committee orders a benchmark's models (higher runs first) by
 * changing `spec.priority` of a merged model association. Only committee members may; no approval needed.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { modelAssociationRef } from '../registry/kinds.js';
import { entityPath, REGISTRY_DIR, repoEntityPath } from '../registry/layout.js';
import type { ModelAssociation } from '../registry/types.generated.js';
import type { Participant } from './context.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';

export interface PriorityInput {
  benchmark: string;
  model: string;
  priority: number;
}

export interface PriorityOutcome extends SubmitOutcome {
  path: string;
  previous: number;
  entity: ModelAssociation;
}

export async function setAssociationPriority(
  participant: Participant,
  input: PriorityInput,
): Promise<PriorityOutcome> {
  if (!Number.isInteger(input.priority))
    fail('association.priority-invalid', '--priority must be an integer', {}, 2);
  const snap = await registrySnapshot(participant.sub, participant.home);
  const rel = entityPath('ModelAssociation', modelAssociationRef(input.benchmark, input.model));
  const found = snap.registry.index.atPath(rel);
  if (found?.kind !== 'ModelAssociation')
    fail(
      'association.not-found',
      `${input.model} is not associated with ${input.benchmark} (no ${REGISTRY_DIR}/${rel} on the default branch); request the association first`,
    );
  const current = found.entity as ModelAssociation;
  const previous = current.spec.priority ?? 0;
  const entity: ModelAssociation = { ...current, spec: { ...current.spec, priority: input.priority } };
  const path = repoEntityPath('ModelAssociation', modelAssociationRef(input.benchmark, input.model));
  const out = await submit(participant, [entityFile(path, entity)], {
    title: `Set the priority of ${input.model} in ${input.benchmark} to ${input.priority}`,
  });
  return { ...out, path, previous, entity };
}

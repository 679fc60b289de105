/**
 * What never changes once merged (hashes, names, owners, references: a new version is a new
 * entity), and what an entity in `operation` state may still change (MedPerf's editable fields).
 */
import type { Kind } from '../../registry/kinds.js';
import { fieldUnder } from '../field-diff.js';
import type { PolicyEntity } from '../view.js';
import type { ChangeUnderReview } from './change-under-review.js';
import { typedEntity } from './merged-registry.js';

/** Fields that never change once merged. Parents of these count too. */
export const FROZEN_FIELDS: Readonly<Record<'common' | Kind, readonly string[]>> = {
  common: ['kind', 'metadata.name', 'metadata.owner'],
  Registry: [],
  User: [],
  Runner: [],
  MLCube: [
    'spec.manifest.sha256',
    'spec.parameters.sha256',
    'spec.additionalFiles.sha256',
    'spec.imageTarball.sha256',
    'spec.image.digest',
  ],
  Dataset: ['spec.preparator', 'spec.inputDataHash'],
  Benchmark: [
    'spec.preparator',
    'spec.referenceModel',
    'spec.metrics',
    'spec.demoDataset.sha256',
    'spec.demoDataset.generatedUid',
  ],
  ModelAssociation: ['spec.benchmark', 'spec.model'],
  DatasetAssociation: ['spec.benchmark', 'spec.dataset'],
  Result: ['spec.benchmark', 'spec.model', 'spec.dataset'],
};

type StatefulKind = 'MLCube' | 'Dataset' | 'Benchmark';

/** What an entity in `operation` state may still change. */
export const OPERATION_EDITABLE: Readonly<Record<StatefulKind, readonly string[]>> = {
  MLCube: [
    'spec.valid',
    'metadata.description',
    'metadata.labels',
    'spec.manifest.url',
    'spec.parameters.url',
    'spec.additionalFiles.url',
    'spec.imageTarball.url',
  ],
  Dataset: ['spec.valid', 'metadata.description', 'metadata.labels'],
  Benchmark: [
    'metadata.description',
    'metadata.labels',
    'spec.docsUrl',
    'spec.policy',
    'spec.demoDataset.url',
    'spec.committee',
  ],
};

function isStateful(kind: Kind): kind is StatefulKind {
  return Object.hasOwn(OPERATION_EDITABLE, kind);
}

function inOperation(kind: StatefulKind, document: PolicyEntity | undefined): boolean {
  return typedEntity(kind, document)?.spec.state === 'operation';
}

/** Frozen and operation-locked fields of a modified entity. */
export function checkFrozenFields(review: ChangeUnderReview): void {
  if (review.action !== 'modified') return;
  const kind = review.kind;
  const frozen = [...FROZEN_FIELDS.common, ...FROZEN_FIELDS[kind]];
  const touchesFrozen = (field: string) =>
    frozen.some((pattern) => fieldUnder(field, pattern) || fieldUnder(pattern, field));
  const what = review.describe();
  const changedFields = review.change.fields;
  for (const field of changedFields) {
    if (touchesFrozen(field)) {
      review.violate(
        'policy.frozen-field',
        `${field} of ${what} cannot change once merged (hashes, names, owners and references are frozen); ` +
          `register a new ${kind} under a new name instead`,
        field,
      );
    }
  }
  if (!isStateful(kind)) return;
  const editable = OPERATION_EDITABLE[kind];
  // The fields changed since the merge base land on the base branch's copy: a branch made before the
  // entity went into operation is locked like one made after.
  const locked =
    inOperation(kind, review.beforeDocument) || inOperation(kind, review.merged.view.get(review.file));
  if (!locked) return;
  for (const field of changedFields) {
    if (touchesFrozen(field)) continue; // already reported
    if (!editable.some((pattern) => fieldUnder(field, pattern))) {
      review.violate(
        'policy.operation-locked',
        `${what} is in operation state, so ${field} can no longer change (only ${editable.join(', ')} may); ` +
          `register a new ${kind} for a new version`,
        field,
      );
    }
  }
}

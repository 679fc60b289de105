/**
 * Model and dataset associations (MedPerf's benchmark-model / benchmark-dataset requests): the
 * owner and the committee are the two sides; what one side requests the other approves, unless the
 * benchmark auto-approves. Either side may revoke. Only the committee sets a model's priority.
 */
import { splitOwnedRef } from '../../registry/kinds.js';
import { repoEntityPath } from '../../registry/layout.js';
import { fieldUnder } from '../field-diff.js';
import type { ChangeUnderReview } from './change-under-review.js';
import { formatWho } from './wording.js';

export type AssociationKind = 'ModelAssociation' | 'DatasetAssociation';

/** Fields whose change needs no other side: wording and priority (a new compatibility test is a new request). */
const COSMETIC_FIELDS = ['metadata.description', 'metadata.labels', 'spec.priority'];

export function checkAssociation(review: ChangeUnderReview<AssociationKind>): void {
  const isModel = review.kind === 'ModelAssociation';
  const benchmarkName = review.info.benchmark ?? '';
  const partRef = (isModel ? review.info.model : review.info.dataset) ?? '';
  const partOwner = splitOwnedRef(partRef)?.owner ?? '';
  const noun = isModel ? 'model' : 'dataset';
  const committee = review.merged.committee(benchmarkName);
  const author = review.author.login;
  const isPartOwner = author === partOwner;
  const inCommittee = committee.includes(author);
  const action = review.action;

  if (action === 'deleted' && !isPartOwner && !inCommittee && review.isAdmin()) {
    review.needAdmin(`Revoking ${review.describe()}`); // moderation, as MedPerf's admin-only DELETE
    return;
  }
  if (!isPartOwner && !inCommittee) {
    review.violate(
      'policy.not-party',
      `only the ${noun} owner (@${partOwner}) or a committee member of benchmark ${benchmarkName} (${formatWho(committee)}) may ` +
        `${action === 'deleted' ? 'revoke' : action === 'added' ? 'request' : 'change'} ${review.describe()}; ` +
        `@${author} is neither`,
    );
    return;
  }
  // Revocation: either side, no approval.
  if (action === 'deleted') return;

  const fields = review.change.fields;
  if (isModel && !inCommittee && priorityChanged(review as ChangeUnderReview<'ModelAssociation'>)) {
    review.violate(
      'policy.priority-committee-only',
      `only the committee of benchmark ${benchmarkName} (${formatWho(committee)}) sets spec.priority; ` +
        `${action === 'added' ? 'leave it out (0)' : 'keep its old value'} or ask them to change it`,
      'spec.priority',
    );
  }
  if (
    action === 'modified' &&
    fields.every((field) => COSMETIC_FIELDS.some((pattern) => fieldUnder(field, pattern)))
  )
    return;

  if (action === 'added' && !checkRequestPrerequisites(review, isModel, benchmarkName, partRef, partOwner))
    return;

  // Who approves: the other side.
  if (isPartOwner && inCommittee) return;
  if (isPartOwner) {
    const autoApproval =
      review.merged.benchmark(benchmarkName)?.spec.policy[
        isModel ? 'modelAutoApproval' : 'datasetAutoApproval'
      ];
    const mode = autoApproval?.mode ?? 'never';
    const allowlist = (autoApproval?.allowlist ?? []).map((login) => login.toLowerCase());
    if (mode === 'always' || (mode === 'allowlist' && allowlist.includes(partOwner))) return;
    review.need(
      'approval.committee',
      committee,
      `${review.describe()} was requested by the ${noun} owner, so it needs an approving review from a committee ` +
        `member of benchmark ${benchmarkName}: ${formatWho(committee)}`,
    );
    return;
  }
  review.need(
    isModel ? 'approval.model-owner' : 'approval.dataset-owner',
    [partOwner],
    `${review.describe()} was requested by the committee, so it needs an approving review from the ${noun} owner: ` +
      formatWho([partOwner]),
  );
}

function priorityChanged(review: ChangeUnderReview<'ModelAssociation'>): boolean {
  if (review.action === 'added') return (review.after?.spec.priority ?? 0) !== 0;
  return review.change.fields.some((field) => fieldUnder(field, 'spec.priority'));
}

/**
 * A new request needs the benchmark and the model (dataset) merged first and in operation. What
 * exists nowhere is the validator's ref.unresolved; the policy reports what exists only in this pull
 * request (not merged yet). False when the request cannot go on.
 */
function checkRequestPrerequisites(
  review: ChangeUnderReview<AssociationKind>,
  isModel: boolean,
  benchmarkName: string,
  partRef: string,
  partOwner: string,
): boolean {
  const head = review.policyInput.head;
  const noun = isModel ? 'model' : 'dataset';
  if (!review.merged.has('Benchmark', benchmarkName)) {
    if (head.has(repoEntityPath('Benchmark', benchmarkName))) {
      review.violate(
        'policy.benchmark-not-merged',
        `benchmark ${benchmarkName} is not merged yet, so ${noun}s cannot be associated with it; ` +
          `open this pull request again after the benchmark's pull request is merged`,
        'spec.benchmark',
      );
    }
    return false;
  }
  const partKind = isModel ? 'MLCube' : 'Dataset';
  const partPath = repoEntityPath(partKind, partRef);
  if (!review.merged.has(partKind, partRef)) {
    if (head.has(partPath)) {
      review.violate(
        isModel ? 'policy.model-not-merged' : 'policy.dataset-not-merged',
        `${partKind} ${partRef} is not merged yet (no ${partPath} on the base branch); ` +
          `merge its own pull request first, then request the association`,
        `spec.${noun}`,
      );
    }
    return false;
  }
  // The dataset's preparator must be the benchmark's: the validator's ref.preparator-mismatch (both are frozen).
  if (review.merged.entity(partKind, partRef)?.spec.state !== 'operation') {
    review.violate(
      isModel ? 'policy.model-not-operation' : 'policy.dataset-not-operation',
      `${partKind} ${partRef} is in development state; @${partOwner} must set spec.state: operation ` +
        `(in a merged pull request) before it can be associated with benchmark ${benchmarkName}`,
      `spec.${noun}`,
    );
  }
  return true;
}

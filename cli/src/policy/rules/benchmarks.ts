/**
 * Benchmarks: a new one is its owner's (or an admin's) with an admin's approval, its committee
 * registered and its three cubes in operation; later, the committee words its own description, docs
 * and policy, and an admin approves everything else.
 */
import { repoEntityPath } from '../../registry/layout.js';
import { fieldUnder } from '../field-diff.js';
import type { ChangeUnderReview } from './change-under-review.js';
import { typedEntity } from './merged-registry.js';
import { formatWho, lowerCase } from './wording.js';

/** Benchmark fields a committee member may change without an admin. */
export const COMMITTEE_EDITABLE = ['metadata.description', 'spec.docsUrl', 'spec.policy'];

const CUBE_ROLES = ['preparator', 'referenceModel', 'metrics'] as const;

export function checkBenchmark(review: ChangeUnderReview<'Benchmark'>): void {
  const benchmarkName = review.info.benchmark ?? '';
  if (review.action === 'deleted') {
    review.adminDelete();
    return;
  }
  if (review.action === 'added') {
    checkNewBenchmark(review, benchmarkName);
    review.needAdmin(`New benchmark ${benchmarkName}`);
    return;
  }
  const fields = review.change.fields;
  if (fields.length === 0) return;
  const committeeMayEdit = (field: string) =>
    COMMITTEE_EDITABLE.some((pattern) => fieldUnder(field, pattern));
  if (!fields.every(committeeMayEdit)) {
    const adminFields = fields.filter((field) => !committeeMayEdit(field));
    review.needAdmin(`Changing ${adminFields.join(', ')} of benchmark ${benchmarkName}`);
    return;
  }
  const committee = review.merged.committee(benchmarkName);
  if (committee.includes(review.author.login)) return;
  review.need(
    'approval.committee',
    committee,
    `Changing ${fields.join(', ')} of benchmark ${benchmarkName} needs an approving review from a committee member of ` +
      `benchmark ${benchmarkName}: ${formatWho(committee)}`,
  );
}

/**
 * The new benchmark's content. Refs that resolve nowhere are the validator's (ref.unresolved,
 * ref.unknown-user); the policy adds what depends on the merged state and on cube states.
 */
function checkNewBenchmark(review: ChangeUnderReview<'Benchmark'>, benchmarkName: string): void {
  const benchmark = review.after;
  if (!benchmark) return; // not a valid Benchmark: reported by the structure check
  const author = review.author.login;
  const owner = benchmark.metadata.owner;
  if (owner !== author && !review.isAdmin()) {
    review.violate(
      'policy.not-owner',
      `benchmark ${benchmarkName} names @${owner} as its owner but is submitted by @${author}; ` +
        `set metadata.owner to ${author} or let @${owner} submit it`,
      'metadata.owner',
    );
  }
  const head = review.policyInput.head;
  for (const member of benchmark.spec.committee.map(lowerCase)) {
    // A member added in this same pull request is not registered yet; one missing everywhere is ref.unknown-user.
    if (!review.merged.isUser(member) && head.has(repoEntityPath('User', member))) {
      review.violate(
        'policy.committee-unregistered',
        `committee member @${member} of benchmark ${benchmarkName} is not a registered user yet ` +
          `(${repoEntityPath('User', member)} is not merged); an admin must merge that user first`,
        'spec.committee',
      );
    }
  }
  // MedPerf: a benchmark's three cubes must be in operation when it is created.
  for (const role of CUBE_ROLES) {
    const cubeRef = benchmark.spec[role];
    const cubePath = repoEntityPath('MLCube', cubeRef);
    if (!head.has(cubePath)) continue; // the validator's ref.unresolved
    if (typedEntity('MLCube', head.get(cubePath))?.spec.state !== 'operation') {
      review.violate(
        'policy.cube-not-operation',
        `spec.${role} of benchmark ${benchmarkName} refers to MLCube ${cubeRef}, which is in development state; ` +
          `its owner sets spec.state: operation first`,
        `spec.${role}`,
      );
    }
  }
}

/**
 * Results: an unsigned result (no runner signed it) is announced as such. The data owner's consent is authorship (or, for a registry bot acting for one of the
 * owner's runners, the owner's approving review). A result a runner produced (`spec.execution.runnerRef`)
 * follows that runner's `spec.consent`: `standing` (the owner's merged Runner entity is the consent: no
 * further review), or `review` (default: the owner approves each result submission, even one the runner
 * opened unattended under the owner's own login). Results need their benchmark and associations merged
 * first. Where the benchmark keeps results encrypted they must be; a committee member may re-encrypt a
 * result to the current readers (result-encryption.ts).
 */
import { datasetAssociationRef, modelAssociationRef } from '../../registry/kinds.js';
import { repoEntityPath } from '../../registry/layout.js';
import { isSignedResult, UNSIGNED, UNSIGNED_WHY } from '../../registry/result-signed.js';
import type { ChangeUnderReview } from './change-under-review.js';
import { checkEncryptedWhenRequired, checkReencryption, isReencryption } from './result-encryption.js';
import { formatWho } from './wording.js';

export function checkResult(review: ChangeUnderReview<'Result'>): void {
  const info = review.info;
  const benchmarkName = info.benchmark ?? '';
  const datasetRef = info.dataset ?? '';
  const modelRef = info.model ?? '';
  const dataOwner = info.owner ?? '';
  const author = review.author.login;
  if (review.action === 'deleted') {
    if (author !== dataOwner && review.isAdmin()) {
      review.needAdmin(`Deleting ${review.describe()}`); // moderation, as MedPerf's admin-only DELETE
    } else if (author !== dataOwner) {
      review.violate(
        'policy.not-owner',
        `only the data owner @${dataOwner} (or an admin) may withdraw ${review.describe()}`,
      );
    }
    return;
  }
  review.merged.prefetchForResult(benchmarkName, dataOwner, modelRef);
  // A committee member's re-encryption (same measurements, same signature): result-encryption.ts.
  if (isReencryption(review) && author !== dataOwner) {
    checkReencryption(review);
    return;
  }
  // Allowed, and said to everyone reading the submission, as everywhere the result is shown.
  if (review.after && !isSignedResult(review.after))
    review.announce(`${review.describe()} is ${UNSIGNED}: ${UNSIGNED_WHY}`);
  checkEncryptedWhenRequired(review);
  const byDataOwner = author === dataOwner;
  if (!byDataOwner && !botActsForRunner(review, datasetRef, dataOwner)) return;
  if (!checkMergedPrerequisites(review, benchmarkName, datasetRef, modelRef)) return;
  const runner = producingRunner(review, datasetRef, dataOwner);
  if (runner?.consent === 'standing') return; // the data owner's merged Runner entity is the consent
  if (!byDataOwner) {
    review.need(
      'approval.data-owner',
      [dataOwner],
      `${review.describe()} was submitted by bot @${author}, so it needs the data owner's consent: ` +
        `an approving review from ${formatWho([dataOwner])}`,
    );
  } else if (runner) {
    // Opened unattended under the owner's login: authorship is no decision, so the owner's own review is.
    review.need(
      'approval.data-owner',
      [dataOwner],
      `${review.describe()} was opened by runner ${runner.ref}, whose consent is "review", so it needs the data ` +
        `owner's consent: an approving review from ${formatWho([dataOwner])} (or set spec.consent: standing ` +
        'on the runner)',
      { authorMayApprove: true },
    );
  }
}

/**
 * The merged Runner of the data owner that produced the result and serves its dataset, with its consent;
 * undefined when the result names none (a person ran it) or names one that does not qualify (the
 * validator and `botActsForRunner` say why).
 */
function producingRunner(
  review: ChangeUnderReview<'Result'>,
  datasetRef: string,
  dataOwner: string,
): { ref: string; consent: 'review' | 'standing' } | undefined {
  const runnerRef = review.after?.spec.execution.runnerRef;
  if (!runnerRef || !review.merged.runnersServing(datasetRef, dataOwner).includes(runnerRef))
    return undefined;
  return { ref: runnerRef, consent: review.merged.entity('Runner', runnerRef)?.spec.consent ?? 'review' };
}

/** A result not authored by the data owner: only a bot, for a merged runner of the owner's that serves the dataset. */
function botActsForRunner(
  review: ChangeUnderReview<'Result'>,
  datasetRef: string,
  dataOwner: string,
): boolean {
  const author = review.author.login;
  if (!review.author.isBot) {
    review.violate(
      'policy.result-not-data-owner',
      `results on dataset ${datasetRef} are submitted by its owner @${dataOwner} (authorship is the consent) ` +
        `or by a registry bot; @${author} is neither`,
    );
    return false;
  }
  // The bot acts for a runner: the one the result names (spec.execution.runnerRef), else any serving it.
  const runnerRef = review.after?.spec.execution.runnerRef;
  const runners = review.merged
    .runnersServing(datasetRef, dataOwner)
    .filter((servingRef) => !runnerRef || servingRef === runnerRef);
  if (runners.length > 0) return true;
  review.violate(
    'policy.bot-no-runner',
    `bot @${author} submitted ${review.describe()}, but no merged Runner${runnerRef ? ` ${runnerRef}` : ''} ` +
      `lists dataset ${datasetRef} in spec.datasets; @${dataOwner} must register a runner that serves it, ` +
      'or submit the result themselves',
    runnerRef ? 'spec.execution.runnerRef' : undefined,
  );
  return false;
}

/**
 * The benchmark and both associations merged (the reference model needs none). What exists nowhere is
 * the validator's (ref.unresolved, ref.not-associated); the policy reports what exists only in this
 * pull request. False when the benchmark is missing (nothing else can be judged).
 */
function checkMergedPrerequisites(
  review: ChangeUnderReview<'Result'>,
  benchmarkName: string,
  datasetRef: string,
  modelRef: string,
): boolean {
  const head = review.policyInput.head;
  const merged = review.merged;
  if (!merged.has('Benchmark', benchmarkName)) {
    if (head.has(repoEntityPath('Benchmark', benchmarkName))) {
      review.violate(
        'policy.benchmark-not-merged',
        `benchmark ${benchmarkName} is not merged, so it cannot have results yet`,
        'spec.benchmark',
      );
    }
    return false;
  }
  const datasetAssociation = datasetAssociationRef(benchmarkName, datasetRef);
  const datasetAssociationPath = repoEntityPath('DatasetAssociation', datasetAssociation);
  if (!merged.has('DatasetAssociation', datasetAssociation) && head.has(datasetAssociationPath)) {
    review.violate(
      'policy.association-not-merged',
      `dataset ${datasetRef} is not associated with benchmark ${benchmarkName} yet (${datasetAssociationPath} ` +
        'is not merged); its association must be approved and merged first',
      'spec.dataset',
    );
  }
  const modelAssociation = modelAssociationRef(benchmarkName, modelRef);
  const modelAssociationPath = repoEntityPath('ModelAssociation', modelAssociation);
  const isReferenceModel = merged.benchmark(benchmarkName)?.spec.referenceModel === modelRef;
  if (
    !isReferenceModel &&
    !merged.has('ModelAssociation', modelAssociation) &&
    head.has(modelAssociationPath)
  ) {
    review.violate(
      'policy.association-not-merged',
      `model ${modelRef} is not associated with benchmark ${benchmarkName} yet (${modelAssociationPath} ` +
        'is not merged); its association must be approved and merged first',
      'spec.model',
    );
  }
  return true;
}

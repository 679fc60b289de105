import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Kind } from '../registry/kinds.js';
import type { ChangeAction } from './git-tree.js';
import type { RegistryView } from './view.js';

export type { ChangeAction } from './git-tree.js';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

/**
 * A review as the policy reads it. The policy declares what it needs rather than importing the forge's
 * type, so the policy stays below the forges; every forge's review has this shape (the compiler checks it
 * where submissions hand forge reviews to the policy), and CI passes reviews as JSON.
 */
export interface Review {
  reviewer: string;
  state: ReviewState;
  /** The head commit the review was given on; only reviews on the current head count as approvals. */
  commitSha: string;
  submittedAt: string;
  /** The reviewer's SSHSIG over the review record (local forge; see cli/src/trust/forge-records.ts). */
  signature?: string;
}

/** A review the policy did not count, and why (e.g. its signature does not verify). */
export interface UncountedReview {
  reviewer: string;
  why: string;
}

/** One changed file of a pull request. */
export interface Change {
  path: string;
  /** From the path (the layout); `Other` for files the registry layout does not name (code, workflows, …). */
  kind: Kind | 'Other';
  action: ChangeAction;
  /** Dotted field paths that differ (modified entities only; `[]` otherwise). */
  fields: string[];
}

/** An approval still missing (or, in `approved`, given): one of `who` must approve the head commit. */
export interface Requirement {
  /** Stable code: approval.admin | approval.committee | approval.model-owner | approval.dataset-owner | approval.data-owner | approval.sharing-data-owner */
  code: string;
  /**
   * Lower-case logins; any one of them approving satisfies it. Never contains the author, except for
   * consent that is the author's own (`approval.data-owner` on a result a data owner's runner opened).
   */
  who: string[];
  /** A sentence saying why and who can fix it. */
  why: string;
  file: string;
}

export interface GivenApproval extends Requirement {
  /** Who approved (the current head). */
  by: string[];
}

/** A change everyone reading the submission should know of, whatever the approvals (e.g. a sharing policy's from → to). */
export interface Announcement {
  file: string;
  message: string;
}

export type PolicyStatus = 'pass' | 'pending' | 'fail';

export interface Decision {
  status: PolicyStatus;
  author: string;
  headSha: string;
  changes: Change[];
  /** Approvals still missing. Empty when status is pass. */
  required: Requirement[];
  /** Approvals already given on the head commit (for `Approved-by:` trailers). */
  approved: GivenApproval[];
  /** Rule violations: any one fails the pull request. */
  violations: Diagnostic[];
  /** Reviewers whose approval was given on an older commit and no longer counts. */
  staleApprovals: string[];
  /** What the submission announces (rendered with the decision). */
  announcements: Announcement[];
  /** Reviews left out because their signature does not verify (only when `signedReviews` is set). */
  uncountedReviews?: UncountedReview[];
}

export interface PolicyInput {
  /** The merged state the rules consult (the base branch's tip). */
  base: RegistryView;
  /** The pull request's head state. */
  head: RegistryView;
  /** State the pull request's diff starts from (the merge base); defaults to `base`. */
  before?: RegistryView;
  /** The changed files (from git); computed by comparing `before` and `head` when absent. */
  changes?: Array<{ path: string; action: ChangeAction }>;
  author: string;
  reviews: readonly Review[];
  /** The head commit sha; only approvals given on it count. */
  headSha: string;
  /**
   * Set where the forge cannot vouch for who reviewed (the local forge): a review then counts only when its
   * signature over the review record of this submission verifies against a key the reviewer's User entity
   * on the base registers (`spec.sshKeys`).
   */
  signedReviews?: { submission: number };
}

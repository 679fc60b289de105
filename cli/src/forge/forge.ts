/**
 * The one interface every forge implements. A submission is a pull request: a branch with a commit of
 * entity files against the registry's default branch. Policy gating (may this merge?) is not a forge
 * concern: callers ask cli/src/policy first, and forges only refuse merges whose head moved.
 */

/** One file a submission writes (content) or deletes (content null). Paths are repository-relative. */
export interface SubmissionFile {
  path: string;
  content: string | null;
}

export interface OpenSubmissionInput {
  title: string;
  /** Markdown: what is submitted and which approvals it needs. */
  body: string;
  /** Login of the person (or bot) the submission is authored by. */
  author: string;
  files: SubmissionFile[];
  /** Branch name to create; forges derive one from the title when absent. */
  branch?: string;
  /** Base branch; the repository's default branch when absent. */
  base?: string;
}

export type SubmissionState = 'open' | 'merged' | 'closed';

export interface Submission {
  number: number;
  title: string;
  body: string;
  author: string;
  state: SubmissionState;
  base: string;
  /** The base branch's commit the submission was compared against when listed. */
  baseSha: string;
  head: string;
  headSha: string;
  url: string;
  createdAt: string;
  mergedSha?: string;
  requestedReviewers: string[];
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
export type ReviewEvent = 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';

export interface Review {
  reviewer: string;
  state: ReviewState;
  /** The head commit the review was given on; only reviews on the current head count as approvals. */
  commitSha: string;
  submittedAt: string;
  body?: string;
}

export type CommitStatusState = 'success' | 'failure' | 'pending' | 'error';

export interface CommitStatus {
  state: CommitStatusState;
  context: string;
  description: string;
  targetUrl?: string;
}

export interface MergeInput {
  /** The merge refuses when the submission's head is no longer this commit (a newer push raced it). */
  expectedHeadSha: string;
  title: string;
  /** `Approved-by: login` lines and the like, appended to the merge commit message. */
  trailers: string[];
}

export interface Forge {
  readonly kind: 'local' | 'github';
  openSubmission(input: OpenSubmissionInput): Promise<Submission>;
  listSubmissions(filter?: { state?: SubmissionState | 'all' }): Promise<Submission[]>;
  getSubmission(number: number): Promise<Submission>;
  listReviews(number: number): Promise<Review[]>;
  review(number: number, reviewer: string, event: ReviewEvent, body?: string): Promise<Review>;
  requestReviewers(number: number, logins: string[]): Promise<void>;
  setStatus(sha: string, status: CommitStatus): Promise<void>;
  merge(number: number, input: MergeInput): Promise<{ sha: string }>;
  close(number: number): Promise<void>;
}

/**
 * The one interface every forge implements. A submission is a pull request: a branch with a commit of
 * entity files against the registry's default branch. Policy gating (may this merge?) is not a forge
 * concern: callers ask cli/src/policy first, and forges only refuse merges whose head moved.
 */

/** A registry served by the local forge, and who acts on it (what a local profile holds). */
export interface LocalForgeAddress {
  forge: 'local';
  /** Path of the registry repository the local forge serves (usually a bare repository), or its git URL. */
  registry: string;
  /** The login this forge acts as. */
  user: string;
  /** The member's private key that signs their reviews and merges; default `$GITPERF_HOME/keys/users/<user>`. */
  signingKey?: string;
}

/** A registry on GitHub (what a GitHub profile holds); the token comes from the environment, never a file. */
export interface GitHubForgeAddress {
  forge: 'github';
  /** `OWNER/NAME` of the registry repository. */
  repo: string;
  /** API base URL for GitHub Enterprise, e.g. `https://ghe.example.com/api/v3`. */
  baseUrl?: string;
  /** Optional: the login this forge acts as (otherwise the token's owner, asked from the API). */
  user?: string;
}

/** Which forge serves a registry and who acts on it: what `createForge` opens. */
export type ForgeAddress = LocalForgeAddress | GitHubForgeAddress;

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
  /**
   * Reviewers to record with the submission in the same write. Only forges whose
   * `recordsReviewersOnOpen` is true read it; with the others, call `requestReviewers` after opening.
   */
  requestedReviewers?: string[];
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
  /** The reviewer's SSHSIG over the review record (forges whose `signsReviews` is true). */
  signature?: string;
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
  /**
   * The base tip the caller checked the merged tree against. Forges that can compare-and-swap the base
   * (the local forge) refuse with `forge.base-moved` when the base is no longer this commit, so the
   * caller evaluates again; GitHub's merge API has no such parameter (there, branch protection's "require
   * branches to be up to date" or the merge queue gives the same guarantee).
   */
  expectedBaseSha?: string;
  title: string;
  /** `Approved-by: login` lines and the like, appended to the merge commit message. */
  trailers: string[];
}

/**
 * The git repository on this machine that holds a forge's branches and its submissions' head commits,
 * for forges that keep their pull requests as refs in the registry repository itself (the local forge).
 * The policy reads submissions there directly; forges without one (GitHub) are read through a clone
 * that fetches them.
 */
export interface SubmissionRepository {
  readonly gitDir: string;
  /** Brings it up to date: a cache of a remote registry fetches; a repository used directly does nothing. */
  sync(): Promise<void>;
  /** The default branch's full ref, e.g. `refs/heads/main`. */
  defaultBranchRef(): Promise<string>;
  /** The full ref of submission `number`'s head commit. */
  submissionHeadRef(number: number): string;
}

/** A just-in-time self-hosted runner: one job, no stored credentials (GitHub's `generate-jitconfig`). */
export interface RunnerJitConfigInput {
  /** The runner's name on the forge, unique in the repository. */
  name: string;
  /** Every label it carries; jobs whose `runs-on` lists a subset of them run on it. */
  labels: string[];
  /** The runner group (1 is a repository's default group). */
  runnerGroupId?: number;
  /** Where it keeps jobs' files, relative to the runner folder. */
  workFolder?: string;
}

export interface RunnerJitConfig {
  runnerId: number;
  name: string;
  labels: string[];
  /** What `./run.sh --jitconfig` takes: a credential for one job; keep it secret. */
  encodedJitConfig: string;
}

/**
 * Callers use only this interface: what a forge can do differently is a property or a method here
 * (`localRepository`, `recordsReviewersOnOpen`), never a test for a concrete forge class.
 */
export interface Forge {
  readonly kind: 'local' | 'github';
  /** See `SubmissionRepository`; undefined for forges whose submissions live elsewhere (GitHub). */
  readonly localRepository: SubmissionRepository | undefined;
  /** Whether `openSubmission` records `input.requestedReviewers` in the same write as the submission. */
  readonly recordsReviewersOnOpen: boolean;
  /**
   * Whether reviews carry the reviewer's signature and count only when it verifies against the reviewer's
   * registered key (the local forge, which has no server to vouch for who acted); false where the forge
   * authenticates reviewers itself (GitHub).
   */
  readonly signsReviews: boolean;
  openSubmission(input: OpenSubmissionInput): Promise<Submission>;
  /**
   * A new head commit on an open submission: the given files on top of the current head. Reviews of the
   * old head stay recorded with their commit, so they no longer count for the new one.
   */
  pushToSubmission(number: number, files: SubmissionFile[], message?: string): Promise<Submission>;
  listSubmissions(filter?: { state?: SubmissionState | 'all' }): Promise<Submission[]>;
  getSubmission(number: number): Promise<Submission>;
  listReviews(number: number): Promise<Review[]>;
  /** Both at once (the local forge reads them in one pass; others ask twice). */
  getSubmissionAndReviews(number: number): Promise<{ submission: Submission; reviews: Review[] }>;
  review(number: number, reviewer: string, event: ReviewEvent, body?: string): Promise<Review>;
  requestReviewers(number: number, logins: string[]): Promise<void>;
  setStatus(sha: string, status: CommitStatus): Promise<void>;
  merge(number: number, input: MergeInput): Promise<{ sha: string }>;
  close(number: number): Promise<void>;
  /**
   * Only forges whose runners come from the forge (GitHub): a just-in-time runner configuration. The
   * local forge has none (its runners are `gitperf runner start`).
   */
  generateRunnerJitConfig?(input: RunnerJitConfigInput): Promise<RunnerJitConfig>;
}

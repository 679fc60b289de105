import { error, fail, GitperfError } from '../../diagnostics/diagnostic.js';
import { slug } from '../../infra/slug.js';
import type {
  CommitStatus,
  Forge,
  MergeInput,
  OpenSubmissionInput,
  Review,
  ReviewEvent,
  ReviewState,
  RunnerJitConfig,
  RunnerJitConfigInput,
  Submission,
  SubmissionFile,
  SubmissionState,
} from '../forge.js';
import { githubMessage, httpStatus, toGitperfError } from './github-errors.js';
import { createOctokit, type GitperfOctokit, type OctokitClientOptions } from './octokit-client.js';

export interface GitHubForgeOptions {
  owner: string;
  repo: string;
  token: string;
  /** `https://api.github.com` (default) or a GitHub Enterprise Server's `https://HOST/api/v3`. */
  baseUrl?: string;
  /** Replaces the global fetch (Octokit's `request.fetch`): tests answer without a network. */
  fetch?: typeof fetch;
  /** Retry and pacing knobs; see OctokitClientOptions. Defaults follow GitHub's guidance. */
  tuning?: Pick<OctokitClientOptions, 'retries' | 'retryAfterBaseMs' | 'paceWrites' | 'warn'>;
}

/** GitHub's limit on a pull request body. */
export const MAX_BODY_CHARS = 65_536;
/** GitHub's limit on a commit status description. */
const MAX_STATUS_DESCRIPTION = 140;
/** How many suffixed branch names (`-2`, `-3`, ...) a derived branch name may try before giving up. */
const BRANCH_ATTEMPTS = 9;

/** The fields of a pull request this module reads; both `pulls.get` and `pulls.list` items carry them. */
interface PullLike {
  number: number;
  title: string;
  body?: string | null;
  user?: { login: string } | null;
  state: string;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  html_url: string;
  created_at: string;
  requested_reviewers?: Array<{ login: string }> | null;
}

interface ReviewLike {
  user?: { login: string } | null;
  state: string;
  commit_id?: string | null;
  submitted_at?: string;
  body?: string;
}

const EVENT_STATE: Record<ReviewEvent, ReviewState> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

function toSubmission(pr: PullLike): Submission {
  const state: SubmissionState = pr.merged_at ? 'merged' : pr.state === 'closed' ? 'closed' : 'open';
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    author: pr.user?.login ?? 'ghost',
    state,
    base: pr.base.ref,
    baseSha: pr.base.sha,
    head: pr.head.ref,
    headSha: pr.head.sha,
    url: pr.html_url,
    createdAt: pr.created_at,
    ...(state === 'merged' && pr.merge_commit_sha ? { mergedSha: pr.merge_commit_sha } : {}),
    requestedReviewers: (pr.requested_reviewers ?? []).map((u) => u.login),
  };
}

/** Pending (draft) reviews have no verdict yet and are visible only to their author: they are skipped. */
function toReview(review: ReviewLike): Review | undefined {
  const state = review.state as ReviewState;
  if (!['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED'].includes(state)) return undefined;
  return {
    reviewer: review.user?.login ?? 'ghost',
    state,
    commitSha: review.commit_id ?? '',
    submittedAt: review.submitted_at ?? '',
    ...(review.body ? { body: review.body } : {}),
  };
}

/** A branch name git and GitHub accept, derived from the submission's title. */
export function branchNameFor(title: string): string {
  return `gitperf/${slug(title, { maxLength: 60, fallback: 'submission' })}`;
}

function checkPath(path: string): void {
  const bad =
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..' || seg === '.git');
  if (bad) {
    fail(
      'github.path-invalid',
      `"${path}" is not a repository-relative file path: use forward slashes, no leading "/", no "." or ".." parts.`,
    );
  }
}

/**
 * The `github` forge: a submission is a branch with one commit and a pull request on github.com or
 * GitHub Enterprise Server. Identity is the token's owner: GitHub authors PRs and reviews as that user,
 * so a different `author`/`reviewer` is refused rather than silently misattributed.
 */
export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  /** Pull requests live on GitHub: the policy reads them through a clone that fetches `refs/pull/<n>/head`. */
  readonly localRepository = undefined;
  /** Reviewers are a separate request, which GitHub may refuse (non-collaborators) after the PR exists. */
  readonly recordsReviewersOnOpen = false;
  readonly signsReviews = false;
  readonly owner: string;
  readonly repo: string;
  private readonly octokit: GitperfOctokit;
  private login?: Promise<string>;
  private defaultBranchName?: Promise<string>;

  constructor(options: GitHubForgeOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.octokit = createOctokit({
      token: options.token,
      baseUrl: options.baseUrl,
      fetch: options.fetch,
      ...options.tuning,
    });
  }

  private get slug(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** Runs one API call; any failure becomes a GitperfError naming `what`. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toGitperfError(e, what, this.slug);
    }
  }

  /** The login the token belongs to (`GET /user`), asked once. Commands use it as the acting identity. */
  currentUser(): Promise<string> {
    this.login ??= this.call('identify the token owner', async () => {
      const { data } = await this.octokit.users.getAuthenticated();
      return data.login;
    }).catch((failure) => {
      this.login = undefined; // a failure is not remembered: the next call asks again
      throw failure;
    });
    return this.login;
  }

  /**
   * GitHub App installation tokens (a workflow's GITHUB_TOKEN among them) may not read `GET /user`
   * (403); then the acting identity is the app's bot and there is nothing to compare.
   */
  private async checkIdentity(claimed: string, role: string): Promise<void> {
    if (!claimed) return;
    let actual: string;
    try {
      actual = await this.currentUser();
    } catch (e) {
      if (e instanceof GitperfError && e.diagnostic.code === 'github.forbidden') return;
      throw e;
    }
    if (actual.toLowerCase() !== claimed.toLowerCase()) {
      fail(
        'github.identity-mismatch',
        `The GitHub token belongs to ${actual}, but the ${role} is ${claimed}: GitHub acts as the token's owner, so use ${claimed}'s token (GITHUB_TOKEN) or a profile for ${actual}.`,
      );
    }
  }

  private defaultBranch(): Promise<string> {
    this.defaultBranchName ??= this.call('read the repository', async () => {
      const { data } = await this.octokit.repos.get({ owner: this.owner, repo: this.repo });
      return data.default_branch;
    }).catch((failure) => {
      this.defaultBranchName = undefined;
      throw failure;
    });
    return this.defaultBranchName;
  }

  /**
   * Writes the files as one commit on a new branch with the git data API, then opens the pull request.
   * Why the data API and not the contents API: the contents API makes one commit (and one sequential
   * request) per file and needs each deleted file's blob sha; here any number of files, deletions
   * included (`sha: null` tree entries), is one atomic commit in six requests (ref, commit, tree, commit, ref, pull request). Text content goes
   * inline in the tree, so no blob requests count against GitHub's content-creation limit.
   * The commit's parent is the base as read; if the base moves meanwhile, GitHub computes the pull
   * request against the moved base, so nothing needs redoing.
   */
  async openSubmission(input: OpenSubmissionInput): Promise<Submission> {
    if (input.files.length === 0) fail('github.nothing-to-submit', 'A submission needs at least one file.');
    for (const file of input.files) checkPath(file.path);
    if (input.body.length > MAX_BODY_CHARS) {
      fail(
        'github.body-too-long',
        `The pull request body has ${input.body.length} characters; GitHub accepts at most ${MAX_BODY_CHARS}. Shorten the submission's description.`,
      );
    }
    await this.checkIdentity(input.author, 'submission author');
    const base = input.base ?? (await this.defaultBranch());
    const { owner, repo } = this;

    const baseSha = await this.call(`read branch ${base}`, async () => {
      try {
        const { data } = await this.octokit.git.getRef({ owner, repo, ref: `heads/${base}` });
        return data.object.sha;
      } catch (e) {
        if (httpStatus(e) === 404) {
          fail(
            'github.base-not-found',
            `Branch ${base} does not exist in ${this.slug}; name an existing base branch.`,
          );
        }
        throw e;
      }
    });
    const commit = await this.writeCommit(baseSha, input.files, input.title, base);
    const branch = await this.createBranch(input.branch, input.title, commit);
    try {
      const { data } = await this.octokit.pulls.create({
        owner,
        repo,
        title: input.title,
        body: input.body,
        head: branch,
        base,
      });
      return toSubmission(data);
    } catch (e) {
      // Leave no orphan branch behind a pull request that was never opened.
      await this.octokit.git.deleteRef({ owner, repo, ref: `heads/${branch}` }).catch(() => undefined);
      throw toGitperfError(e, `open a pull request from ${branch} into ${base}`, this.slug);
    }
  }

  /**
   * One commit on top of `parentSha` that writes and deletes `files`; refuses a commit that would
   * change nothing (`where` names the branch for the message).
   */
  private async writeCommit(
    parentSha: string,
    files: SubmissionFile[],
    message: string,
    where: string,
  ): Promise<string> {
    const { owner, repo } = this;
    const parentTree = await this.call(`read commit ${parentSha}`, async () => {
      const { data } = await this.octokit.git.getCommit({ owner, repo, commit_sha: parentSha });
      return data.tree.sha;
    });
    const tree = await this.call('write the submission tree', async () => {
      const { data } = await this.octokit.git.createTree({
        owner,
        repo,
        base_tree: parentTree,
        tree: files.map((file) =>
          file.content === null
            ? { path: file.path, mode: '100644' as const, type: 'blob' as const, sha: null }
            : { path: file.path, mode: '100644' as const, type: 'blob' as const, content: file.content },
        ),
      });
      return data.sha;
    });
    if (tree === parentTree) {
      fail('github.nothing-to-submit', `The files already match ${where}: there is nothing to submit.`);
    }
    return this.call('write the submission commit', async () => {
      const { data } = await this.octokit.git.createCommit({
        owner,
        repo,
        message,
        tree,
        parents: [parentSha],
      });
      return data.sha;
    });
  }

  /**
   * Creates `refs/heads/<branch>` at `sha`. An explicit branch that already exists is an error (it may
   * be someone's work); a derived name gets a numeric suffix instead.
   */
  private async createBranch(explicit: string | undefined, title: string, sha: string): Promise<string> {
    const stem = explicit ?? branchNameFor(title);
    const attempts = explicit ? 1 : BRANCH_ATTEMPTS;
    for (let i = 1; i <= attempts; i++) {
      const branch = i === 1 ? stem : `${stem}-${i}`;
      try {
        await this.octokit.git.createRef({
          owner: this.owner,
          repo: this.repo,
          ref: `refs/heads/${branch}`,
          sha,
        });
        return branch;
      } catch (e) {
        const exists = httpStatus(e) === 422 && /already exists/i.test(githubMessage(e));
        if (!exists) throw toGitperfError(e, `create branch ${branch}`, this.slug);
        if (explicit) {
          fail(
            'github.branch-exists',
            `Branch ${branch} already exists in ${this.slug}; choose another branch name or delete the old branch.`,
          );
        }
      }
    }
    return fail(
      'github.branch-exists',
      `Branches ${stem} to ${stem}-${attempts} all exist in ${this.slug}; delete merged submission branches or give a branch name.`,
    );
  }

  async listSubmissions(filter: { state?: SubmissionState | 'all' } = {}): Promise<Submission[]> {
    const want = filter.state ?? 'open';
    const apiState = want === 'open' ? 'open' : want === 'all' ? 'all' : 'closed';
    const pulls = await this.call('list pull requests', () =>
      this.octokit.paginate(this.octokit.pulls.list, {
        owner: this.owner,
        repo: this.repo,
        state: apiState,
        per_page: 100,
      }),
    );
    return pulls.map(toSubmission).filter((s) => want === 'all' || s.state === want);
  }

  async getSubmission(number: number): Promise<Submission> {
    return this.call(`read pull request #${number}`, async () => {
      const { data } = await this.octokit.pulls.get({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
      });
      return toSubmission(data);
    });
  }

  async getSubmissionAndReviews(number: number): Promise<{ submission: Submission; reviews: Review[] }> {
    const submission = await this.getSubmission(number);
    return { submission, reviews: await this.listReviews(number) };
  }

  /** Every submitted review, oldest first, across all pages. */
  async listReviews(number: number): Promise<Review[]> {
    const reviews = await this.call(`list reviews of pull request #${number}`, () =>
      this.octokit.paginate(this.octokit.pulls.listReviews, {
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        per_page: 100,
      }),
    );
    return reviews.map(toReview).filter((r): r is Review => r !== undefined);
  }

  /**
   * Reviews as the token's owner. GitHub requires a body for "request changes" and "comment"; a short
   * default is supplied when none is given. `options.commitSha` (an addition to the Forge interface)
   * pins the review to the commit the reviewer actually looked at; without it GitHub uses the head at
   * the time of the request, which may be a newer push.
   */
  async review(
    number: number,
    reviewer: string,
    event: ReviewEvent,
    body?: string,
    options: { commitSha?: string } = {},
  ): Promise<Review> {
    await this.checkIdentity(reviewer, 'reviewer');
    const text =
      body?.trim() ||
      (event === 'APPROVE' ? undefined : event === 'REQUEST_CHANGES' ? 'Changes requested.' : 'Comment.');
    try {
      const { data } = await this.octokit.pulls.createReview({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        event,
        ...(text ? { body: text } : {}),
        ...(options.commitSha ? { commit_id: options.commitSha } : {}),
      });
      return (
        toReview(data) ?? {
          reviewer: data.user?.login ?? reviewer,
          state: EVENT_STATE[event],
          commitSha: data.commit_id ?? '',
          submittedAt: data.submitted_at ?? '',
        }
      );
    } catch (e) {
      const msg = githubMessage(e);
      if (httpStatus(e) === 422 && /own pull request/i.test(msg)) {
        throw new GitperfError(
          error(
            'github.self-review',
            `GitHub does not let the author of pull request #${number} approve or request changes on it (${msg}); another reviewer must.`,
          ),
        );
      }
      throw toGitperfError(e, `review pull request #${number}`, this.slug);
    }
  }

  /**
   * Asks the named people to review; `@org/team` (or `org/team`) names a team. The pull request's
   * author is left out (GitHub refuses to request an author's review), as are duplicates; nothing is
   * sent when nobody is left.
   */
  async requestReviewers(number: number, logins: string[]): Promise<void> {
    const pr = await this.getSubmission(number);
    const author = pr.author.toLowerCase();
    const seen = new Set<string>();
    const reviewers: string[] = [];
    const teams: string[] = [];
    for (const raw of logins) {
      const name = raw.trim().replace(/^@/, '');
      const key = name.toLowerCase();
      if (!key || key === author || seen.has(key)) continue;
      seen.add(key);
      if (name.includes('/')) teams.push(name.slice(name.indexOf('/') + 1));
      else reviewers.push(name);
    }
    if (reviewers.length === 0 && teams.length === 0) return;
    const who = [...reviewers, ...teams.map((t) => `team ${t}`)].join(', ');
    await this.call(`request reviews from ${who} on pull request #${number}`, () =>
      this.octokit.pulls.requestReviewers({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        ...(reviewers.length ? { reviewers } : {}),
        ...(teams.length ? { team_reviewers: teams } : {}),
      }),
    );
  }

  async setStatus(sha: string, status: CommitStatus): Promise<void> {
    const description =
      status.description.length > MAX_STATUS_DESCRIPTION
        ? `${status.description.slice(0, MAX_STATUS_DESCRIPTION - 1)}…`
        : status.description;
    await this.call(`set status ${status.context} on ${sha}`, () =>
      this.octokit.repos.createCommitStatus({
        owner: this.owner,
        repo: this.repo,
        sha,
        state: status.state,
        context: status.context,
        description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }),
    );
  }

  /**
   * A merge commit whose message ends with the trailers. GitHub merges only if the head is still
   * `expectedHeadSha`, so a push after the policy check cannot slip in unreviewed. `expectedBaseSha`
   * cannot be passed on (the API has no such parameter): branch protection's "require branches to be up
   * to date" or the merge queue makes GitHub check the merged tree instead.
   */
  async merge(number: number, input: MergeInput): Promise<{ sha: string }> {
    try {
      const { data } = await this.octokit.pulls.merge({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        sha: input.expectedHeadSha,
        merge_method: 'merge',
        commit_title: input.title,
        commit_message: input.trailers.join('\n'),
      });
      if (!data.merged) {
        fail('github.not-mergeable', `GitHub did not merge pull request #${number}: ${data.message}.`);
      }
      return { sha: data.sha };
    } catch (e) {
      const status = httpStatus(e);
      const msg = githubMessage(e);
      if (status === 409) {
        throw new GitperfError(
          error(
            'github.head-moved',
            `The head of pull request #${number} moved past ${input.expectedHeadSha.slice(0, 12)} (${msg}): the pull request's head moved; review again and merge the new head.`,
          ),
        );
      }
      if (status === 405) {
        throw new GitperfError(
          error(
            'github.not-mergeable',
            `GitHub refuses to merge pull request #${number} (${msg}): resolve conflicts with the base branch, satisfy the branch protection's required checks and reviews, and allow merge commits in the repository settings (the Approved-by trailers live in the merge commit), then merge again.`,
          ),
        );
      }
      throw toGitperfError(e, `merge pull request #${number}`, this.slug);
    }
  }

  async close(number: number): Promise<void> {
    await this.call(`close pull request #${number}`, () =>
      this.octokit.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, state: 'closed' }),
    );
  }

  // Capabilities beyond the Forge interface, matching LocalForge's names.

  /**
   * Pushes new content to an open submission: one commit on top of its head, fast-forward only.
   * Reviews of the old head keep their commit, so they no longer count for the new one. A push that
   * raced another one fails with `github.head-moved`.
   */
  async pushToSubmission(number: number, files: SubmissionFile[], message?: string): Promise<Submission> {
    for (const file of files) checkPath(file.path);
    const pr = await this.call(`read pull request #${number}`, async () => {
      const { data } = await this.octokit.pulls.get({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
      });
      return data;
    });
    if (pr.state !== 'open') {
      fail(
        'github.not-open',
        `Pull request #${number} is ${pr.merged_at ? 'merged' : 'closed'}; open a new submission instead.`,
      );
    }
    if (pr.head.repo?.full_name?.toLowerCase() !== this.slug.toLowerCase()) {
      fail(
        'github.fork-head',
        `Pull request #${number} comes from another repository (${pr.head.repo?.full_name ?? 'deleted fork'}); push to that fork with git instead.`,
      );
    }
    const commit = await this.writeCommit(pr.head.sha, files, message ?? `Update ${pr.title}`, pr.head.ref);
    try {
      await this.octokit.git.updateRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${pr.head.ref}`,
        sha: commit,
        force: false,
      });
    } catch (e) {
      if (httpStatus(e) === 422 && /fast.forward/i.test(githubMessage(e))) {
        fail(
          'github.head-moved',
          `Branch ${pr.head.ref} of pull request #${number} moved while pushing (${githubMessage(e)}); read the submission again and retry.`,
        );
      }
      throw toGitperfError(e, `update branch ${pr.head.ref}`, this.slug);
    }
    return this.getSubmission(number);
  }

  /** The latest status per context on a commit (GitHub's combined status; the first 100 contexts). */
  async listStatuses(sha: string): Promise<CommitStatus[]> {
    return this.call(`read the statuses of ${sha}`, async () => {
      const { data } = await this.octokit.repos.getCombinedStatusForRef({
        owner: this.owner,
        repo: this.repo,
        ref: sha,
        per_page: 100,
      });
      return data.statuses.map((status) => ({
        state: status.state as CommitStatus['state'],
        context: status.context,
        description: status.description ?? '',
        ...(status.target_url ? { targetUrl: status.target_url } : {}),
      }));
    });
  }

  /**
   * A just-in-time runner registered on the repository (`actions.generateRunnerJitconfigForRepo`): GitHub
   * registers it with exactly these labels and hands back the configuration `./run.sh --jitconfig` starts it
   * with; it takes one job and unregisters. Needs a token with administration write on the repository.
   */
  async generateRunnerJitConfig(input: RunnerJitConfigInput): Promise<RunnerJitConfig> {
    try {
      const { data } = await this.octokit.actions.generateRunnerJitconfigForRepo({
        owner: this.owner,
        repo: this.repo,
        name: input.name,
        runner_group_id: input.runnerGroupId ?? 1,
        labels: input.labels,
        ...(input.workFolder ? { work_folder: input.workFolder } : {}),
      });
      return {
        runnerId: data.runner.id,
        name: data.runner.name,
        labels: data.runner.labels.map((l) => l.name),
        encodedJitConfig: data.encoded_jit_config,
      };
    } catch (e) {
      const status = httpStatus(e);
      if (status === 403 || status === 404)
        throw new GitperfError(
          error(
            'github.runner-forbidden',
            `GitHub refused to register runner ${input.name} on ${this.slug} (${status} ${githubMessage(e)}): registering self-hosted runners needs a token of a repository admin (a fine-grained token with "Administration: write", or a classic token with the repo scope).`,
          ),
        );
      if (status === 409)
        throw new GitperfError(
          error(
            'github.runner-exists',
            `A runner named ${input.name} already exists on ${this.slug} (${githubMessage(e)}): remove it in Settings → Actions → Runners, or choose another name.`,
          ),
        );
      throw toGitperfError(e, `register runner ${input.name}`, this.slug);
    }
  }

  /**
   * Open pull requests whose head is `branch` of `headOwner`'s repository (`pulls.list({head})`): how a
   * `workflow_run` of a fork's pull request finds it, since GitHub leaves its `pull_requests` empty.
   */
  async findOpenPullsByHead(headOwner: string, branch: string): Promise<Submission[]> {
    const pulls = await this.call(`find the pull request from ${headOwner}:${branch}`, () =>
      this.octokit.paginate(this.octokit.pulls.list, {
        owner: this.owner,
        repo: this.repo,
        state: 'open',
        head: `${headOwner}:${branch}`,
        per_page: 100,
      }),
    );
    return pulls.map(toSubmission);
  }

  /** The files a submission changes, as GitHub lists them (at most 3000 per pull request). */
  async listChangedFiles(
    number: number,
  ): Promise<Array<{ path: string; status: string; previousPath?: string }>> {
    const files = await this.call(`list the files of pull request #${number}`, () =>
      this.octokit.paginate(this.octokit.pulls.listFiles, {
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        per_page: 100,
      }),
    );
    return files.map((file) => ({
      path: file.filename,
      status: file.status,
      ...(file.previous_filename ? { previousPath: file.previous_filename } : {}),
    }));
  }
}

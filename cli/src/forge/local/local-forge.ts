/**
 * The local forge: pull requests that live inside the registry repository itself.
 *
 *   refs/gitperf/pulls/<n>/head   the submission's head commit (base + the submitted files)
 *   refs/gitperf/pulls/<n>/meta   a commit holding meta.json (title, author, state, reviews...)
 *   refs/gitperf/statuses/<sha>   a commit holding statuses.json (commit statuses by context)
 *
 * Every write is an atomic compare-and-swap ref transaction, retried after re-reading when another
 * writer won the race, so two people submitting at once both get distinct numbers and lose nothing,
 * and a merge refuses when the head moved after the caller looked at it.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fail } from '../../diagnostics/diagnostic.js';
import { homeLayout } from '../../infra/gitperf-home.js';
import { sha256Hex } from '../../infra/sha256.js';
import { slug } from '../../infra/slug.js';
import { ensureKeyPairFile, signMergeRecord, signReviewRecord } from '../../trust/index.js';
import type {
  CommitStatus,
  Forge,
  MergeInput,
  OpenSubmissionInput,
  Review,
  ReviewEvent,
  ReviewState,
  Submission,
  SubmissionFile,
  SubmissionRepository,
  SubmissionState,
} from '../forge.js';
import { Git, type Identity, isRemoteUrl, LostRace, type RefUpdate } from './git.js';
import {
  branchClaimRef,
  META_FILE,
  type PullMeta,
  parseMeta,
  parsePullRef,
  pullRef,
  serializeMeta,
} from './meta.js';

export interface LocalForgeOptions {
  /**
   * The registry repository: a path (used directly), or a git URL (`ssh://…`, `file://…`, `user@host:path`)
   * served through a private cache (`cacheDir`) that fetches before reading and pushes with leases.
   */
  registry: string;
  /** For a URL registry: the cache repository; default `$GITPERF_HOME/forges/<hash of the URL>.git`. */
  cacheDir?: string;
  /** The login this forge acts as (the profile's user): merges and closes are recorded under it. */
  user: string;
  /**
   * The acting member's private key (OpenSSH Ed25519, mode 0600), which signs their reviews and merges;
   * default `$GITPERF_HOME/keys/users/<user>`, created the first time it is needed.
   */
  signingKey?: string;
  /** Attempts before giving up on a contended ref (each attempt re-reads the refs). */
  maxAttempts?: number;
  /**
   * Called after the state is read and before the ref transaction of each write attempt. Tests use it
   * to interleave another writer at exactly the moment a race can happen; production code leaves it unset.
   */
  beforeRefUpdate?: (what: 'open' | 'push' | 'meta' | 'merge' | 'status') => Promise<void>;
}

const REVIEW_STATE: Record<ReviewEvent, ReviewState> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

export function identityOf(login: string): Identity {
  return { name: login, email: `${login}@users.noreply.gitperf` };
}

function checkFiles(files: SubmissionFile[]): void {
  if (files.length === 0)
    fail('forge.empty-submission', 'a submission needs at least one file to add, change or delete');
  const seen = new Set<string>();
  for (const file of files) {
    const filePath = file.path;
    if (
      filePath === '' ||
      filePath.startsWith('/') ||
      filePath.split('/').some((s) => s === '' || s === '.' || s === '..' || s === '.git')
    )
      fail('forge.path-invalid', `"${filePath}" is not a repository-relative file path`);
    if (seen.has(filePath)) fail('forge.path-duplicate', `"${filePath}" is listed twice in one submission`);
    seen.add(filePath);
  }
}

export class LocalForge implements Forge {
  readonly kind = 'local' as const;
  readonly recordsReviewersOnOpen = true;
  readonly signsReviews = true;
  /** How many ref transactions were lost to another writer and retried (for tests and benchmarks). */
  lostRaces = 0;
  private readonly maxAttempts: number;

  private constructor(
    readonly git: Git,
    readonly registry: string,
    readonly user: string,
    private readonly hook: LocalForgeOptions['beforeRefUpdate'],
    maxAttempts: number,
    readonly signingKeyFile: string,
  ) {
    this.maxAttempts = maxAttempts;
  }

  /** The acting member's key, read (or made) once, when the first review or merge needs it. */
  private signingKey?: ReturnType<typeof ensureKeyPairFile>;
  private key() {
    this.signingKey ??= ensureKeyPairFile(this.signingKeyFile, this.user);
    return this.signingKey.then((k) => k.key);
  }

  /** The pull requests are refs in the registry repository itself: the policy reads them there. */
  get localRepository(): SubmissionRepository {
    const git = this.git;
    return {
      gitDir: git.gitDir,
      sync: () => git.sync(),
      defaultBranchRef: () => git.headRef(),
      submissionHeadRef: (number) => pullRef(number, 'head'),
    };
  }

  static async open(opts: LocalForgeOptions): Promise<LocalForge> {
    const git = await LocalForge.openGit(opts.registry, opts.cacheDir, 0);
    return new LocalForge(
      git,
      opts.registry,
      opts.user,
      opts.beforeRefUpdate,
      opts.maxAttempts ?? 100,
      opts.signingKey ?? homeLayout().userKey(opts.user),
    );
  }

  /** A path is used directly; a URL through a cache; a clone through its origin (once, not recursively). */
  private static async openGit(registry: string, cacheDir: string | undefined, depth: number): Promise<Git> {
    if (isRemoteUrl(registry)) {
      const urlHash = sha256Hex(registry).slice(0, 16);
      return Git.openRemote(registry, cacheDir ?? homeLayout().forgeCache(urlHash));
    }
    const opened = await Git.open(registry);
    if (opened instanceof Git) return opened;
    if (depth > 0)
      fail(
        'forge.registry-not-bare',
        `${registry} is a working tree; point the profile's \`registry\` at the bare repository`,
      );
    // A relative origin path is relative to the clone.
    const origin =
      isRemoteUrl(opened.origin) || isAbsolute(opened.origin)
        ? opened.origin
        : resolve(registry, opened.origin);
    return LocalForge.openGit(origin, cacheDir, depth + 1);
  }

  /** Identity is the profile's user: acting for someone else is refused, as GitHub refuses it. */
  private actingAs(login: string, what: string): void {
    if (login.toLowerCase() !== this.user.toLowerCase())
      fail(
        'forge.identity-mismatch',
        `this profile acts as ${this.user} and cannot ${what} as ${login}; use ${login}'s profile (--profile)`,
      );
  }

  private url(number: number): string {
    return `${this.git.remote ?? pathToFileURL(this.git.gitDir).href}#pulls/${number}`;
  }

  /** Runs one read-compute-CAS attempt until it wins; LostRace means someone else wrote first. */
  private async retry<T>(
    what: Parameters<NonNullable<LocalForgeOptions['beforeRefUpdate']>>[0],
    attempt: (commit: (updates: RefUpdate[]) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        await this.git.sync();
        return await attempt(async (updates) => {
          if (this.hook) await this.hook(what);
          await this.git.updateRefs(updates);
        });
      } catch (e) {
        if (!(e instanceof LostRace)) throw e;
        this.lostRaces++;
        if (i >= this.maxAttempts)
          fail(
            'forge.contended',
            `gave up after ${i} attempts: other writers kept updating the registry (${e.detail})`,
          );
        // Jitter so two writers that collided do not collide again in lock-step.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * Math.min(50, 2 * i))));
      }
    }
  }

  private async baseRef(base?: string): Promise<string> {
    if (!base) return this.git.headRef();
    return base.startsWith('refs/') ? base : `refs/heads/${base}`;
  }

  /**
   * Opens a pull request. `requestedReviewers` are recorded in the same write, saving the separate
   * `requestReviewers` round trip.
   */
  async openSubmission(input: OpenSubmissionInput): Promise<Submission> {
    checkFiles(input.files);
    this.actingAs(input.author, 'open a submission');
    const baseRef = await this.baseRef(input.base);
    const baseName = baseRef.replace(/^refs\/heads\//, '');
    const author = identityOf(input.author);
    // The head commit depends only on the base, not on the number: a retry after a lost numbering race
    // reuses it while the base has not moved.
    let built: { baseSha: string; head: Promise<string> } | undefined;
    return this.retry('open', async (commit) => {
      const [baseSha, highest] = await Promise.all([this.git.resolve(baseRef), this.highestNumber()]);
      if (!baseSha)
        fail(
          'forge.base-missing',
          `the registry has no branch "${baseName}" yet; create it with \`gitperf init\``,
        );
      // An explicit branch is claimed once, for good: a submission already opened from it (by this writer
      // or another, whatever its state) makes this one refuse instead of opening a duplicate.
      const claim = input.branch ? branchClaimRef(input.branch) : undefined;
      if (claim && (await this.git.resolve(claim)))
        fail(
          'forge.branch-exists',
          `branch ${input.branch} already has a submission in this registry; choose another branch name`,
        );
      const number = highest + 1;
      const now = new Date().toISOString();
      const meta: PullMeta = {
        version: 1,
        number,
        title: input.title,
        body: input.body,
        author: input.author,
        state: 'open',
        base: baseName,
        baseSha,
        branch: input.branch ?? `gitperf/${slug(input.title, { maxLength: 50, fallback: 'submission' })}`,
        createdAt: now,
        updatedAt: now,
        requestedReviewers: [...new Set(input.requestedReviewers ?? [])],
        reviews: [],
      };
      // The head commit and the meta commit do not depend on each other: build them concurrently.
      if (built?.baseSha !== baseSha) built = { baseSha, head: this.buildHead(baseSha, input, author) };
      const [head, metaCommit] = await Promise.all([
        built.head,
        this.writeMetaCommit(meta, undefined, `open #${number}`, author),
      ]);
      // `create` refuses when the number is taken: the loser of a race re-reads and takes the next one.
      await commit([
        { op: 'create', ref: pullRef(number, 'meta'), sha: metaCommit },
        { op: 'create', ref: pullRef(number, 'head'), sha: head },
        ...(claim ? [{ op: 'create' as const, ref: claim, sha: head }] : []),
      ]);
      return this.toSubmission(meta, head);
    });
  }

  private buildHead(baseSha: string, input: OpenSubmissionInput, author: Identity): Promise<string> {
    return this.git
      .applyToTree(baseSha, input.files)
      .then((tree) => this.git.commitTree(tree, [baseSha], `${input.title}\n\n${input.body}\n`, author));
  }

  /**
   * Pushes new content to an open submission: a new head commit on top of the current head. Reviews
   * given on the old head stay recorded with their commit, so they no longer count for the new one.
   */
  async pushToSubmission(number: number, files: SubmissionFile[], message?: string): Promise<Submission> {
    checkFiles(files);
    await this.retry('push', async (commit) => {
      const { meta, metaSha, headSha } = await this.readPull(number);
      if (meta.state !== 'open')
        fail('forge.not-open', `submission #${number} is ${meta.state}; open a new one instead`);
      if (meta.author !== this.user)
        fail('forge.not-author', `only ${meta.author}, who opened submission #${number}, can push to it`);
      const tree = await this.git.applyToTree(headSha, files);
      const head = await this.git.commitTree(
        tree,
        [headSha],
        `${message ?? `update ${meta.title}`}\n`,
        identityOf(this.user),
      );
      const next: PullMeta = { ...meta, updatedAt: new Date().toISOString() };
      const metaCommit = await this.writeMetaCommit(
        next,
        metaSha,
        `push to #${number}`,
        identityOf(this.user),
      );
      await commit([
        { op: 'update', ref: pullRef(number, 'head'), sha: head, old: headSha },
        { op: 'update', ref: pullRef(number, 'meta'), sha: metaCommit, old: metaSha },
      ]);
    });
    return this.getSubmission(number);
  }

  private async highestNumber(): Promise<number> {
    let max = 0;
    for (const { ref } of await this.git.listRefs('refs/gitperf/pulls/')) {
      const pullRef = parsePullRef(ref);
      if (pullRef && pullRef.number > max) max = pullRef.number;
    }
    return max;
  }

  private async writeMetaCommit(
    meta: PullMeta,
    parent: string | undefined,
    msg: string,
    who: Identity,
  ): Promise<string> {
    const blob = await this.git.writeBlob(serializeMeta(meta));
    const tree = await this.git.mktree([{ name: META_FILE, blob }]);
    return this.git.commitTree(tree, parent ? [parent] : [], `${msg}\n`, who);
  }

  private async readPull(number: number): Promise<{ meta: PullMeta; metaSha: string; headSha: string }> {
    if (!Number.isInteger(number) || number < 1)
      fail('forge.submission-unknown', `"${number}" is not a submission number`);
    // One process for both refs: the pattern matches refs/gitperf/pulls/<n>/* only (not <n>0/...).
    const refs = await this.git.listRefs(`refs/gitperf/pulls/${number}`);
    const metaSha = refs.find((r) => r.ref === pullRef(number, 'meta'))?.sha;
    const headSha = refs.find((r) => r.ref === pullRef(number, 'head'))?.sha;
    if (!metaSha || !headSha)
      fail(
        'forge.submission-unknown',
        `there is no submission #${number}; \`gitperf submission list\` shows them`,
      );
    const text = await this.git.readBlob(`${metaSha}:${META_FILE}`);
    if (text === undefined) throw new Error(`${pullRef(number, 'meta')} has no ${META_FILE}`);
    return { meta: parseMeta(text, pullRef(number, 'meta')), metaSha, headSha };
  }

  private toSubmission(meta: PullMeta, headSha: string): Submission {
    return {
      number: meta.number,
      title: meta.title,
      body: meta.body,
      author: meta.author,
      state: meta.state,
      base: meta.base,
      baseSha: meta.baseSha,
      head: meta.branch,
      headSha,
      url: this.url(meta.number),
      createdAt: meta.createdAt,
      ...(meta.mergedSha ? { mergedSha: meta.mergedSha } : {}),
      requestedReviewers: [...meta.requestedReviewers],
    };
  }

  async getSubmission(number: number): Promise<Submission> {
    await this.git.sync();
    const { meta, headSha } = await this.readPull(number);
    return this.toSubmission(meta, headSha);
  }

  /** The raw metadata (reviews included) of one submission; local-only, for `submission show` and tests. */
  async getMeta(number: number): Promise<PullMeta> {
    await this.git.sync();
    return (await this.readPull(number)).meta;
  }

  async listSubmissions(filter: { state?: SubmissionState | 'all' } = {}): Promise<Submission[]> {
    const want = filter.state ?? 'open';
    await this.git.sync();
    const refs = await this.git.listRefs('refs/gitperf/pulls/');
    const heads = new Map<number, string>();
    const metas: Array<{ number: number; sha: string }> = [];
    for (const { ref, sha } of refs) {
      const pullRef = parsePullRef(ref);
      if (!pullRef) continue;
      if (pullRef.part === 'head') heads.set(pullRef.number, sha);
      else metas.push({ number: pullRef.number, sha });
    }
    const texts = await this.git.readBlobs(metas.map((m) => `${m.sha}:${META_FILE}`));
    const out: Submission[] = [];
    metas.forEach((pull, index) => {
      const head = heads.get(pull.number);
      const text = texts[index];
      if (!head || text === undefined) return;
      const meta = parseMeta(text, pullRef(pull.number, 'meta'));
      if (want === 'all' || meta.state === want) out.push(this.toSubmission(meta, head));
    });
    return out.sort((a, b) => a.number - b.number);
  }

  /** The submission and its reviews from one read (saves a round trip for the policy). */
  async getSubmissionAndReviews(number: number): Promise<{ submission: Submission; reviews: Review[] }> {
    await this.git.sync();
    const { meta, headSha } = await this.readPull(number);
    return { submission: this.toSubmission(meta, headSha), reviews: meta.reviews.map((r) => ({ ...r })) };
  }

  async listReviews(number: number): Promise<Review[]> {
    await this.git.sync();
    return (await this.readPull(number)).meta.reviews.map((r) => ({ ...r }));
  }

  /** Applies `change` to the metadata with a CAS on the meta ref, re-reading and re-applying on a lost race. */
  private async updateMeta(
    number: number,
    msg: string,
    change: (meta: PullMeta, headSha: string) => PullMeta,
  ): Promise<{ meta: PullMeta; headSha: string }> {
    return this.retry('meta', async (commit) => {
      const { meta, metaSha, headSha } = await this.readPull(number);
      const next = change(structuredClone(meta), headSha);
      next.updatedAt = new Date().toISOString();
      const metaCommit = await this.writeMetaCommit(next, metaSha, msg, identityOf(this.user));
      await commit([{ op: 'update', ref: pullRef(number, 'meta'), sha: metaCommit, old: metaSha }]);
      return { meta: next, headSha };
    });
  }

  async review(number: number, reviewer: string, event: ReviewEvent, body?: string): Promise<Review> {
    this.actingAs(reviewer, 'review');
    const key = await this.key();
    let recorded: Review | undefined;
    await this.updateMeta(number, `${event.toLowerCase()} #${number} by ${reviewer}`, (meta, headSha) => {
      if (meta.state !== 'open')
        fail('forge.not-open', `submission #${number} is ${meta.state}; it can no longer be reviewed`);
      // As on GitHub: a request for changes or a comment must say something.
      if (event !== 'APPROVE' && !body)
        fail(
          'forge.review-body-required',
          `a ${event === 'COMMENT' ? 'comment' : 'request for changes'} needs a message (-m MSG)`,
        );
      const record = {
        submission: number,
        headSha,
        reviewer,
        state: REVIEW_STATE[event],
        submittedAt: new Date().toISOString(),
      };
      recorded = {
        reviewer,
        state: record.state,
        commitSha: headSha,
        submittedAt: record.submittedAt,
        ...(body ? { body } : {}),
        // The signature is the only proof of who reviewed: the policy counts the review only when it
        // verifies against a key the reviewer's User entity registers.
        signature: signReviewRecord(record, key),
      };
      meta.reviews.push(recorded);
      return meta;
    });
    if (!recorded) throw new Error('review not recorded');
    return recorded;
  }

  async requestReviewers(number: number, logins: string[]): Promise<void> {
    await this.updateMeta(number, `request reviewers on #${number}`, (meta) => {
      for (const login of logins)
        if (!meta.requestedReviewers.includes(login)) meta.requestedReviewers.push(login);
      return meta;
    });
  }

  async setStatus(sha: string, status: CommitStatus): Promise<void> {
    const ref = `refs/gitperf/statuses/${sha}`;
    await this.retry('status', async (commit) => {
      const old = await this.git.resolve(ref);
      const current = old ? await this.readStatuses(old) : [];
      const next = [...current.filter((s) => s.context !== status.context), status];
      const blob = await this.git.writeBlob(`${JSON.stringify(next, null, 2)}\n`);
      const tree = await this.git.mktree([{ name: 'statuses.json', blob }]);
      const statusCommit = await this.git.commitTree(
        tree,
        old ? [old] : [],
        `status ${status.context}: ${status.state}\n`,
        identityOf(this.user),
      );
      await commit([
        old ? { op: 'update', ref, sha: statusCommit, old } : { op: 'create', ref, sha: statusCommit },
      ]);
    });
  }

  /** The latest status per context recorded for a commit (local-only). */
  async listStatuses(sha: string): Promise<CommitStatus[]> {
    await this.git.sync();
    const statusCommit = await this.git.resolve(`refs/gitperf/statuses/${sha}`);
    return statusCommit ? this.readStatuses(statusCommit) : [];
  }

  private async readStatuses(commit: string): Promise<CommitStatus[]> {
    const text = await this.git.readBlob(`${commit}:statuses.json`);
    return text ? (JSON.parse(text) as CommitStatus[]) : [];
  }

  /**
   * Merges with a merge commit on the base branch carrying `input.trailers`. Refuses when the head is
   * no longer `expectedHeadSha`, when the base is no longer `expectedBaseSha` (when given), when the
   * submission is not open, or when it conflicts with the base.
   * Policy is the caller's job (cli/src/policy): this only guards against races.
   */
  async merge(number: number, input: MergeInput): Promise<{ sha: string }> {
    const key = await this.key();
    return this.retry('merge', async (commit) => {
      const { meta, metaSha, headSha } = await this.readPull(number);
      if (meta.state !== 'open') fail('forge.not-open', `submission #${number} is already ${meta.state}`);
      if (headSha !== input.expectedHeadSha)
        fail(
          'forge.head-moved',
          `submission #${number} changed after it was checked (head is ${headSha.slice(0, 12)}, expected ${input.expectedHeadSha.slice(0, 12)}); review the new head and merge again`,
        );
      const baseRef = `refs/heads/${meta.base}`;
      const baseTip = await this.git.resolve(baseRef);
      if (!baseTip)
        fail('forge.base-missing', `the base branch "${meta.base}" of submission #${number} is gone`);
      // What the caller validated the merge against; a base that moved since must be checked again.
      if (input.expectedBaseSha && baseTip !== input.expectedBaseSha)
        fail(
          'forge.base-moved',
          `${meta.base} moved to ${baseTip.slice(0, 12)} after submission #${number} was checked against ${input.expectedBaseSha.slice(0, 12)}; check it again`,
        );
      const tree = await this.git.mergeTree(baseTip, headSha);
      if (!tree)
        fail(
          'forge.merge-conflict',
          `submission #${number} conflicts with ${meta.base}; its author must submit the change again on top of ${meta.base}`,
        );
      const lines = [input.title, '', `Merge submission #${number} (${meta.branch}) by ${meta.author}`];
      if (input.trailers.length > 0) lines.push('', ...input.trailers);
      const me = identityOf(this.user);
      const mergeSha = await this.git.commitTree(tree, [baseTip, headSha], `${lines.join('\n')}\n`, me);
      const mergedAt = new Date().toISOString();
      // The signed merge record is what the registry's pre-receive hook checks to accept the new base tip.
      const mergeSignature = signMergeRecord(
        {
          submission: number,
          base: meta.base,
          baseSha: baseTip,
          headSha,
          mergeSha,
          mergedBy: this.user,
          mergedAt,
        },
        key,
      );
      const next: PullMeta = {
        ...meta,
        state: 'merged',
        mergedSha: mergeSha,
        mergedBy: this.user,
        mergedAt,
        mergeSignature,
        updatedAt: mergedAt,
      };
      const metaCommit = await this.writeMetaCommit(next, metaSha, `merge #${number}`, me);
      try {
        await commit([
          { op: 'verify', ref: pullRef(number, 'head'), old: input.expectedHeadSha },
          { op: 'update', ref: baseRef, sha: mergeSha, old: baseTip },
          { op: 'update', ref: pullRef(number, 'meta'), sha: metaCommit, old: metaSha },
        ]);
      } catch (e) {
        // A head that moved in the meantime is final; a moved base or a new review is worth retrying.
        if (e instanceof LostRace) await this.git.sync();
        if (
          e instanceof LostRace &&
          (await this.git.resolve(pullRef(number, 'head'))) !== input.expectedHeadSha
        )
          fail(
            'forge.head-moved',
            `submission #${number} received a new push while merging; review the new head and merge again`,
          );
        throw e;
      }
      return { sha: mergeSha };
    });
  }

  async close(number: number): Promise<void> {
    await this.updateMeta(number, `close #${number}`, (meta) => {
      if (meta.state === 'merged')
        fail('forge.not-open', `submission #${number} is already merged; it cannot be closed`);
      meta.state = 'closed';
      meta.closedBy = this.user;
      return meta;
    });
  }
}

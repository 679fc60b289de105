/**
 * Where the policy reads a submission from. The local forge's pull requests are refs in the registry
 * repository itself (the forge's `localRepository`), so the policy reads them there. For GitHub, the policy reads a local clone of the
 * registry (the current directory), after fetching the base branch and `refs/pull/<n>/head` into it.
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { Forge, Submission, SubmissionRepository } from '../forge/forge.js';
import type { ActionsEnvironment } from '../forge/github/actions-environment.js';
import type { GitHubForge } from '../forge/github/index.js';
import { createForge, type ForgeSession } from '../forge/index.js';
import { runGit, workingTreeRoot } from '../git/git.js';
import { resolveCommit } from '../policy/git-tree.js';
import { GitView, type RegistryView } from '../policy/view.js';

export interface PolicyRefs {
  /** A git repository (bare or not) holding both commits. */
  repoDir: string;
  baseRef: string;
  headRef: string;
}

export interface SubmissionContext {
  forge: Forge;
  /** The login acting (the profile's user, or the GitHub token's owner). */
  user: string;
  /** Repository and refs the policy evaluates a submission at. */
  policyRefs(sub: Submission): Promise<PolicyRefs>;
  /** The profile named on the command line (`--profile`), repeated in the commands a next step suggests. */
  profileFlag?: string;
  /** The base branch's current state and commit (default branch when `base` is absent). */
  baseState(base?: string): Promise<{ view: RegistryView; sha: string; repoDir: string; ref: string }>;
}

/** A forge whose submissions are refs in a repository on this machine: the policy reads them there. */
export function localContext(
  forge: Forge,
  repository: SubmissionRepository,
  user: string,
): SubmissionContext {
  const repoDir = repository.gitDir;
  return {
    forge,
    user,
    async policyRefs(sub) {
      return {
        repoDir,
        baseRef: `refs/heads/${sub.base}`,
        headRef: repository.submissionHeadRef(sub.number),
      };
    },
    async baseState(base) {
      await repository.sync(); // a URL registry's cache fetches first
      const ref = base ? `refs/heads/${base}` : await repository.defaultBranchRef();
      const sha = resolveCommit(repoDir, ref);
      return { view: new GitView(repoDir, sha), sha, repoDir, ref };
    },
  };
}

/**
 * A local forge's submission context acting as `user`: what `gitperf demo` and tests use for each role.
 * `signingKey`: the member's key (default `$GITPERF_HOME/keys/users/<user>`).
 */
export async function openLocalContext(
  registry: string,
  user: string,
  signingKey?: string,
): Promise<SubmissionContext> {
  return submissionContext(
    await createForge({ forge: 'local', registry, user, ...(signingKey ? { signingKey } : {}) }),
  );
}

/**
 * GitHub: a clone of the registry at `cwd` whose `origin` is the GitHub repository. `gitEnv` is added to
 * the fetches' environment (a workflow step's token header, since its checkout keeps no credentials).
 */
export function githubContext(
  forge: Forge,
  user: string,
  cwd: string = process.cwd(),
  gitEnv: Record<string, string> = {},
): SubmissionContext {
  const toplevel = async () => {
    const root = await workingTreeRoot(cwd);
    if (root === undefined)
      fail(
        'submission.no-clone',
        'run this inside a clone of the registry repository: the policy reads the submission from git',
      );
    return root;
  };
  const fetch = async (dir: string, refspecs: string[]) => {
    const fetched = await runGit(['fetch', '--quiet', '--no-tags', 'origin', ...refspecs], {
      cwd: dir,
      env: gitEnv,
      allowedExitCodes: [0, 1, 128],
    });
    if (fetched.exitCode !== 0)
      fail('submission.fetch-failed', `git fetch origin failed in ${dir}: ${String(fetched.stderr).trim()}`);
  };
  return {
    forge,
    user,
    async policyRefs(sub) {
      const dir = await toplevel();
      const baseRef = `refs/gitperf/remote/heads/${sub.base}`;
      const headRef = `refs/gitperf/remote/pulls/${sub.number}`;
      await fetch(dir, [`+refs/heads/${sub.base}:${baseRef}`, `+refs/pull/${sub.number}/head:${headRef}`]);
      return { repoDir: dir, baseRef, headRef };
    },
    async baseState(base) {
      const dir = await toplevel();
      const name = base ?? (await defaultBranch(dir));
      const ref = `refs/gitperf/remote/heads/${name}`;
      await fetch(dir, [`+refs/heads/${name}:${ref}`]);
      const sha = resolveCommit(dir, ref);
      return { view: new GitView(dir, sha), sha, repoDir: dir, ref };
    },
  };
}

/**
 * A workflow step's context (`--github`): the repository's forge with the step's token, acting as
 * `GITPERF_BOT` (an App's `<slug>[bot]`) or the token's owner, over the checkout at `cwd`.
 */
export async function actionsContext(
  actions: ActionsEnvironment,
  forge: GitHubForge,
  cwd: string = process.cwd(),
): Promise<SubmissionContext> {
  // Loaded here, not at the top: it brings Octokit, which commands on a local profile never need.
  const { actingLogin, fetchAuthEnvironment } = await import('../forge/github/actions-environment.js');
  return githubContext(forge, await actingLogin(actions, forge), cwd, fetchAuthEnvironment(actions));
}

/** The remote's default branch (`git ls-remote --symref origin HEAD`), `main` when it does not say. */
async function defaultBranch(dir: string): Promise<string> {
  const remoteHead = await runGit(['ls-remote', '--symref', 'origin', 'HEAD'], {
    cwd: dir,
    allowedExitCodes: [0, 1, 2, 128],
  });
  return /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(remoteHead.stdout)?.[1] ?? 'main';
}

export function submissionContext(session: ForgeSession, cwd?: string): SubmissionContext {
  const repository = session.forge.localRepository;
  return repository
    ? localContext(session.forge, repository, session.user)
    : githubContext(session.forge, session.user, cwd);
}

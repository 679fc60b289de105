/**
 * Where the policy reads a submission from. The local forge's pull requests are refs in the registry
 * repository itself, so the policy reads them there. For GitHub, the policy reads a local clone of the
 * registry (the current directory), after fetching the base branch and `refs/pull/<n>/head` into it.
 */
import { execa } from 'execa';
import { fail } from '../diagnostics/diagnostic.js';
import type { Forge, Submission } from '../forge/forge.js';
import type { ForgeSession } from '../forge/index.js';
import { LocalForge } from '../forge/local/local-forge.js';
import { GitView, type RegistryView, resolveCommit } from '../policy/index.js';

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

export function localContext(forge: LocalForge, user: string): SubmissionContext {
  const repoDir = forge.git.gitDir;
  return {
    forge,
    user,
    async policyRefs(sub) {
      return { repoDir, baseRef: `refs/heads/${sub.base}`, headRef: `refs/gitperf/pulls/${sub.number}/head` };
    },
    async baseState(base) {
      await forge.git.sync(); // a URL registry's cache fetches first
      const ref = base ? `refs/heads/${base}` : await forge.git.headRef();
      const sha = resolveCommit(repoDir, ref);
      return { view: new GitView(repoDir, sha), sha, repoDir, ref };
    },
  };
}

/** A local forge's submission context acting as `user`: what `gitperf demo` and tests use for each role. */
export async function openLocalContext(registry: string, user: string): Promise<SubmissionContext> {
  return localContext(await LocalForge.open({ registry, user }), user);
}

/** GitHub: a clone of the registry at `cwd` whose `origin` is the GitHub repository. */
export function githubContext(forge: Forge, user: string, cwd: string = process.cwd()): SubmissionContext {
  const toplevel = async () => {
    const r = await execa('git', ['-C', cwd, 'rev-parse', '--show-toplevel'], { reject: false });
    if (r.exitCode !== 0)
      fail(
        'submission.no-clone',
        'run this inside a clone of the registry repository: the policy reads the submission from git',
      );
    return String(r.stdout).trim();
  };
  const fetch = async (dir: string, refspecs: string[]) => {
    const r = await execa('git', ['-C', dir, 'fetch', '--quiet', '--no-tags', 'origin', ...refspecs], {
      reject: false,
    });
    if (r.exitCode !== 0)
      fail('submission.fetch-failed', `git fetch origin failed in ${dir}: ${String(r.stderr).trim()}`);
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

/** The remote's default branch (`git ls-remote --symref origin HEAD`), `main` when it does not say. */
async function defaultBranch(dir: string): Promise<string> {
  const r = await execa('git', ['-C', dir, 'ls-remote', '--symref', 'origin', 'HEAD'], { reject: false });
  return /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(String(r.stdout))?.[1] ?? 'main';
}

export function submissionContext(session: ForgeSession, cwd?: string): SubmissionContext {
  return session.forge instanceof LocalForge
    ? localContext(session.forge, session.user)
    : githubContext(session.forge, session.user, cwd);
}

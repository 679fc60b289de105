/**
 * A thin layer over git plumbing for the local forge. Every write goes through `updateRefs`, an
 * atomic `git update-ref --stdin` transaction whose old values make it a compare-and-swap: when
 * another writer got there first the whole transaction is refused and nothing changes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../../diagnostics/diagnostic.js';
import { commitIdentityEnvironment, type GitIdentity, readObjects, runGit } from '../../git/git.js';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export type Identity = GitIdentity;

/** `create` requires the ref to be absent, `update` requires `old`, `verify` only checks. */
export type RefUpdate =
  | { op: 'create'; ref: string; sha: string }
  | { op: 'update'; ref: string; sha: string; old: string }
  | { op: 'verify'; ref: string; old: string };

export class LostRace extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'LostRace';
  }
}

export interface TreeChange {
  path: string;
  /** Blob content; null deletes the path. */
  content: string | null;
}

/** A URL (`ssh://`, `file://`, `https://`) or scp-like `user@host:path`, as opposed to a path on disk. */
export function isRemoteUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || /^[\w.-]+@[\w.-]+:/.test(location);
}

export class Git {
  /**
   * `remote`: the shared registry's URL when this repository is a private cache of it. Reads then
   * follow a `sync` (fetch), and ref updates are pushed to the remote with leases (compare-and-swap).
   */
  constructor(
    readonly gitDir: string,
    readonly remote?: string,
  ) {}

  /**
   * A cache of the registry at `url` in `cacheDir` (created when missing): objects are made there and
   * refs are published to `url` with `git push --atomic --force-with-lease`, so clones on different
   * machines share one registry over ssh or any git transport.
   */
  static async openRemote(url: string, cacheDir: string): Promise<Git> {
    const probe = await runGit(['ls-remote', '--symref', url, 'HEAD'], { allowedExitCodes: [0, 1, 2, 128] });
    if (probe.exitCode !== 0)
      fail(
        'forge.registry-missing',
        `cannot reach the registry at ${url}: ${String(probe.stderr).trim().split('\n')[0]}; check the profile's \`registry\``,
      );
    const head = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(String(probe.stdout))?.[1] ?? 'refs/heads/main';
    await runGit(['init', '--quiet', '--bare', cacheDir]);
    const git = new Git(cacheDir, url);
    await git.run(['symbolic-ref', 'HEAD', head]);
    await git.sync();
    return git;
  }

  /** Brings the cache up to date with the remote (a no-op for a repository used directly). */
  async sync(): Promise<void> {
    if (!this.remote) return;
    const args = ['fetch', '--quiet', '--prune', '--no-tags', '--no-write-fetch-head', this.remote];
    args.push('+refs/heads/*:refs/heads/*', '+refs/gitperf/*:refs/gitperf/*');
    // Two commands of one user can fetch into the same cache at once; one of them may find a ref locked.
    for (let i = 1; ; i++) {
      const result = await this.run(args, { okCodes: [0, 1, 128] });
      if (result.exitCode === 0) return;
      if (i >= 5) throw new Error(`git fetch ${this.remote} failed: ${result.stderr.trim()}`);
      await new Promise((res) => setTimeout(res, 20 * i));
    }
  }

  /**
   * The shared registry repository at `path`. It must be bare: moving the branch a working tree has
   * checked out would leave that checkout silently behind. For a clone, this returns its `origin`
   * (the shared repository: a path or a URL) for the caller to open instead.
   */
  static async open(path: string): Promise<Git | { origin: string }> {
    const result = await runGit(['rev-parse', '--absolute-git-dir', '--is-bare-repository'], {
      cwd: path,
      allowedExitCodes: [0, 128],
    });
    if (result.exitCode !== 0)
      fail(
        'forge.registry-missing',
        `${path} is not a git repository; check the profile's \`registry\` path or create one with \`gitperf init --local\``,
      );
    const [gitDir, bare] = String(result.stdout).trim().split('\n');
    if (bare === 'true') return new Git(gitDir);
    const originResult = await runGit(['config', '--get', 'remote.origin.url'], {
      cwd: path,
      allowedExitCodes: [0, 1],
    });
    const origin = String(originResult.stdout).trim();
    if (originResult.exitCode !== 0 || origin === '')
      fail(
        'forge.registry-not-bare',
        `${path} is a working tree without an origin; the local forge serves a bare repository (\`gitperf init --local\` makes one): point the profile's \`registry\` at it`,
      );
    return { origin };
  }

  /** Runs git on this repository; throws GitError on an exit code not in `okCodes` (default 0). */
  async run(
    args: string[],
    opts: { input?: string; env?: Record<string, string>; okCodes?: number[] } = {},
  ): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    return runGit(args, {
      gitDir: this.gitDir,
      input: opts.input,
      env: opts.env,
      allowedExitCodes: opts.okCodes,
    });
  }

  /** The commit a ref points at, or undefined when the ref does not exist. */
  async resolve(ref: string): Promise<string | undefined> {
    const result = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      okCodes: [0, 1],
    });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** `refs/heads/main` for a repository whose HEAD is main. */
  async headRef(): Promise<string> {
    const result = await this.run(['symbolic-ref', 'HEAD'], { okCodes: [0, 1, 128] });
    return result.exitCode === 0 ? result.stdout.trim() : 'refs/heads/main';
  }

  /** Every ref under a prefix with the object it points at. */
  async listRefs(prefix: string): Promise<Array<{ ref: string; sha: string }>> {
    const result = await this.run(['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
    return result.stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .map((line) => {
        const space = line.indexOf(' ');
        return { sha: line.slice(0, space), ref: line.slice(space + 1) };
      });
  }

  async writeBlob(content: string): Promise<string> {
    return (await this.run(['hash-object', '-w', '--stdin'], { input: content })).stdout.trim();
  }

  /** Reads several `<rev>:<path>` blobs in one process; a missing one is undefined. */
  async readBlobs(specs: string[]): Promise<Array<string | undefined>> {
    const contents = await readObjects(specs, { gitDir: this.gitDir });
    return contents.map((content) => content?.toString('utf8'));
  }

  async readBlob(spec: string): Promise<string | undefined> {
    return (await this.readBlobs([spec]))[0];
  }

  /** A tree holding exactly these top-level blobs. */
  async mktree(entries: Array<{ name: string; blob: string }>): Promise<string> {
    const input = entries.map((e) => `100644 blob ${e.blob}\t${e.name}`).join('\n');
    return (await this.run(['mktree'], { input: `${input}\n` })).stdout.trim();
  }

  /** The tree of `base` with `changes` applied (nested paths, deletions), built in a throwaway index. */
  async applyToTree(base: string | undefined, changes: TreeChange[]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'gitperf-index-'));
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    try {
      // The index and the blobs do not depend on one another: run the processes concurrently.
      const [, lines] = await Promise.all([
        this.run(['read-tree', base ?? '--empty'], { env }),
        Promise.all(
          changes.map(async (change) =>
            change.content === null
              ? `0 ${ZERO_SHA}\t${change.path}`
              : `100644 ${await this.writeBlob(change.content)}\t${change.path}`,
          ),
        ),
      ]);
      if (lines.length > 0)
        await this.run(['update-index', '--index-info'], { input: `${lines.join('\n')}\n`, env });
      return (await this.run(['write-tree'], { env })).stdout.trim();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: Identity,
    committer: Identity = author,
  ): Promise<string> {
    const args = ['commit-tree', tree];
    for (const parent of parents) args.push('-p', parent);
    const result = await this.run(args, {
      input: message,
      env: commitIdentityEnvironment(author, committer),
    });
    return result.stdout.trim();
  }

  /** The tree of merging `theirs` into `ours`, or undefined when they conflict. */
  async mergeTree(ours: string, theirs: string): Promise<string | undefined> {
    const result = await this.run(['merge-tree', '--write-tree', '--no-messages', ours, theirs], {
      okCodes: [0, 1],
    });
    if (result.exitCode === 1) return undefined;
    return result.stdout.split('\n')[0].trim();
  }

  /**
   * Applies all updates atomically or none. Throws LostRace when an old value no longer matches (or a
   * ref to create exists, or another writer holds its lock); the caller re-reads and retries.
   */
  async updateRefs(updates: RefUpdate[]): Promise<void> {
    if (this.remote) return this.pushRefs(this.remote, updates);
    const lines = ['start'];
    for (const update of updates) {
      if (update.op === 'create') lines.push(`create ${update.ref} ${update.sha}`);
      else if (update.op === 'update') lines.push(`update ${update.ref} ${update.sha} ${update.old}`);
      else lines.push(`verify ${update.ref} ${update.old}`);
    }
    lines.push('prepare', 'commit');
    const result = await this.run(['update-ref', '--stdin'], {
      input: `${lines.join('\n')}\n`,
      okCodes: [0, 1, 128],
    });
    if (result.exitCode === 0) return;
    const msg = result.stderr.trim();
    if (
      /already exists|but expected|cannot lock ref|unable to create .*lock|unable to resolve reference/i.test(
        msg,
      )
    )
      throw new LostRace(msg);
    throw new Error(`git update-ref failed: ${msg}`);
  }

  /**
   * The remote form of `updateRefs`: one atomic push where every ref carries a lease (its expected old
   * value, or "absent" for `create`); `verify` re-pushes the expected value under its lease, which
   * changes nothing but fails the whole push if the ref moved. Local refs follow on success.
   */
  private async pushRefs(url: string, updates: RefUpdate[]): Promise<void> {
    const args = ['push', '--atomic', '--porcelain', '--no-verify', url];
    const specs: string[] = [];
    for (const update of updates) {
      const expect = update.op === 'create' ? '' : update.old;
      args.push(`--force-with-lease=${update.ref}:${expect}`);
      // No `+` on the refspec: a `+` would force the update past its lease.
      specs.push(`${update.op === 'verify' ? update.old : update.sha}:${update.ref}`);
    }
    const result = await this.run([...args, ...specs], { okCodes: [0, 1, 128] });
    if (result.exitCode !== 0) {
      const out = `${result.stdout}\n${result.stderr}`;
      if (
        /stale info|fetch first|non-fast-forward|already exists|atomic push failed|cannot lock ref/i.test(out)
      )
        throw new LostRace(out.trim());
      throw new Error(`git push ${url} failed: ${out.trim()}`);
    }
    const lines = updates
      .filter((u) => u.op !== 'verify')
      .map((u) => `update ${(u as { ref: string }).ref} ${(u as { sha: string }).sha}`);
    if (lines.length > 0) await this.run(['update-ref', '--stdin'], { input: `${lines.join('\n')}\n` });
  }
}

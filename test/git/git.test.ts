import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitperfError } from '../../cli/src/diagnostics/diagnostic.js';
import {
  commitIdentityEnvironment,
  extractArchive,
  GitError,
  parseCatFileBatch,
  readObjects,
  readObjectsSync,
  runGit,
  runGitForBytes,
  runGitSync,
  workingTreeRoot,
} from '../../cli/src/git/git.js';

const identity = commitIdentityEnvironment({ name: 'Test', email: 'test@example.org' });

describe('the git module', () => {
  const root = mkdtempSync(join(tmpdir(), 'gitperf-git-'));
  const repo = join(root, 'repo');
  const notARepository = join(root, 'plain');
  let commit = '';
  // Binary content with newlines and a NUL: the batch reader must cut by size, not by line.
  const binary = Buffer.from([0x00, 0x0a, 0xff, 0x0a, 0x41, 0x0a]);

  beforeAll(async () => {
    mkdirSync(join(repo, 'registry', 'users'), { recursive: true });
    mkdirSync(notARepository);
    writeFileSync(join(repo, 'registry', 'users', 'ana.yaml'), 'login: ana\n');
    writeFileSync(join(repo, 'registry', 'blob.bin'), binary);
    writeFileSync(join(repo, 'README.md'), 'hello\n');
    await runGit(['init', '--quiet', '-b', 'main'], { cwd: repo });
    await runGit(['add', '--all'], { cwd: repo });
    await runGit(['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', 'first'], {
      cwd: repo,
      env: identity,
    });
    commit = (await runGit(['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('records the identity it is given on a commit', async () => {
    const output = await runGit(['log', '-1', '--format=%an <%ae> / %cn <%ce>'], { cwd: repo });
    expect(output.stdout.trim()).toBe('Test <test@example.org> / Test <test@example.org>');
  });

  it('runs git and returns its output untrimmed, with the exit code', async () => {
    const output = await runGit(['rev-parse', 'HEAD'], { cwd: repo });
    expect(output).toEqual({ stdout: `${commit}\n`, stderr: '', exitCode: 0 });
  });

  it('throws a GitError carrying the command, exit code and stderr when git fails', async () => {
    const failing = runGit(['rev-parse', '--verify', 'no-such-branch'], { cwd: repo });
    await expect(failing).rejects.toBeInstanceOf(GitError);
    const thrown = (await failing.catch((caught: unknown) => caught)) as GitError;
    expect(thrown.command).toEqual(['git', '-C', repo, 'rev-parse', '--verify', 'no-such-branch']);
    expect(thrown.gitExitCode).toBe(128);
    expect(thrown.stderr).toMatch(/Needed a single revision/);
    // It is a diagnostic the CLI renders, not a stack trace.
    expect(thrown).toBeInstanceOf(GitperfError);
    expect(thrown.diagnostic.code).toBe('git.failed');
    expect(thrown.message).toBe(`git rev-parse failed in ${repo}: fatal: Needed a single revision`);
    expect(thrown.exitCode).toBe(1);
  });

  it('names a folder that is not a repository and says what to do; the caller sets the CLI exit code', () => {
    const thrown = (() => {
      try {
        runGitSync(['ls-tree', 'HEAD'], { cwd: notARepository, failureExitCode: 2 });
      } catch (caught) {
        return caught;
      }
    })() as GitError;
    expect(thrown).toBeInstanceOf(GitError);
    expect(thrown.gitExitCode).toBe(128);
    expect(thrown.message).toMatch(/not a git repository.*run inside a git checkout/);
    expect(thrown.exitCode).toBe(2);
  });

  it('treats allowed exit codes as answers', async () => {
    const missing = await runGit(['rev-parse', '--verify', '--quiet', 'no-such-branch'], {
      cwd: repo,
      allowedExitCodes: [0, 1],
    });
    expect(missing.exitCode).toBe(1);
    const missingSync = runGitSync(['rev-parse', '--verify', '--quiet', 'no-such-branch'], {
      cwd: repo,
      allowedExitCodes: [0, 1],
    });
    expect(missingSync.exitCode).toBe(1);
  });

  it('reports git that cannot start as git.unavailable, and a missing folder as git.failed', async () => {
    const unavailable = (await runGit(['status'], { cwd: repo, env: { PATH: '/nonexistent' } }).catch(
      (caught: unknown) => caught,
    )) as GitError;
    expect(unavailable).toBeInstanceOf(GitError);
    expect(unavailable.gitExitCode).toBeUndefined();
    expect(unavailable.diagnostic.code).toBe('git.unavailable');
    expect(unavailable.message).toMatch(/install git/);
    const noFolder = (await runGit(['status'], { cwd: join(root, 'absent') }).catch(
      (caught: unknown) => caught,
    )) as GitError;
    expect(noFolder).toBeInstanceOf(GitError);
    expect(noFolder.stderr).toMatch(/cannot change to/);
  });

  it('reads many objects through one cat-file --batch, in request order, binary-safe', async () => {
    const requests = [
      `${commit}:registry/blob.bin`,
      `${commit}:missing.yaml`,
      `${commit}:registry/users/ana.yaml`,
    ];
    const contents = await readObjects(requests, { cwd: repo });
    expect(contents).toHaveLength(3);
    expect(contents[0]?.equals(binary)).toBe(true);
    expect(contents[1]).toBeUndefined();
    expect(contents[2]?.toString()).toBe('login: ana\n');
    const synchronous = readObjectsSync(requests, { cwd: repo });
    expect(synchronous.map((content) => content?.toString('hex'))).toEqual(
      contents.map((content) => content?.toString('hex')),
    );
    expect(await readObjects([], { cwd: repo })).toEqual([]);
  });

  it('parses cat-file --batch output: found, missing and ambiguous answers', () => {
    const output = Buffer.concat([
      Buffer.from('aaaa blob 3\nab\n\n'),
      Buffer.from('HEAD:nope missing\n'),
      Buffer.from('abc ambiguous\n'),
      Buffer.from('bbbb blob 0\n\n'),
    ]);
    const objects = parseCatFileBatch(output);
    expect(objects).toHaveLength(4);
    expect(objects[0]).toMatchObject({ found: true, oid: 'aaaa', type: 'blob' });
    expect(objects[0].found && objects[0].content.toString()).toBe('ab\n');
    expect(objects[1]).toEqual({ found: false, request: 'HEAD:nope' });
    expect(objects[2]).toEqual({ found: false, request: 'abc' });
    expect(objects[3].found && objects[3].content.length).toBe(0);
  });

  it('refuses a request with a newline (it would shift every later answer)', async () => {
    await expect(readObjects(['HEAD\nHEAD'], { cwd: repo })).rejects.toThrow(/newline/);
  });

  it('returns bytes for binary output', async () => {
    const output = await runGitForBytes(['cat-file', 'blob', `${commit}:registry/blob.bin`], { cwd: repo });
    expect(output.stdout.equals(binary)).toBe(true);
  });

  it('extracts a folder of a commit with git archive, and fails with a GitError on a bad ref', async () => {
    const into = join(root, 'extracted');
    mkdirSync(into);
    await extractArchive(commit, into, { cwd: repo, paths: ['registry'], strip: 1 });
    expect(readFileSync(join(into, 'users', 'ana.yaml'), 'utf8')).toBe('login: ana\n');
    const elsewhere = join(root, 'extracted-bad');
    mkdirSync(elsewhere);
    await expect(extractArchive('no-such-ref', elsewhere, { cwd: repo })).rejects.toBeInstanceOf(GitError);
  });

  it('finds the working tree root, or nothing outside one', async () => {
    expect(await workingTreeRoot(join(repo, 'registry', 'users'))).toBe(repo);
    expect(await workingTreeRoot(notARepository)).toBeUndefined();
  });
});

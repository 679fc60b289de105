/**
 * The one way gitperf runs git. Every command goes through `runGit` (async, node's child_process) or,
 * for the policy's synchronous registry view, `runGitSync` (spawnSync: no event-loop round trips). Both apply the same environment (C locale so messages can be
 * matched, no terminal prompts, no optional locks) and throw the same `GitError`, which carries the
 * command, git's exit code and its stderr, and renders as a `git.failed` diagnostic when it reaches
 * the user.
 */
import { spawn, spawnSync } from 'node:child_process';
import { error, GitperfError } from '../diagnostics/diagnostic.js';

export interface GitCommandOptions {
  /** Runs `git -C <cwd>`: a working tree or a repository folder. */
  cwd?: string;
  /** Runs `git --git-dir <gitDir>`: a bare repository (or a `.git` folder). */
  gitDir?: string;
  /** Written to git's stdin. */
  input?: string | Uint8Array;
  /** Added to the process environment (after gitperf's defaults, so a caller can override them). */
  env?: Record<string, string>;
  /**
   * Exit codes that are answers rather than failures (`rev-parse --verify --quiet` exits 1 for "no
   * such ref", `merge-tree` exits 1 for a conflict). Default: only 0.
   */
  allowedExitCodes?: readonly number[];
  /** The CLI's exit code when the error reaches the user: 2 when the input was the problem (a bad ref). */
  failureExitCode?: number;
}

export interface GitOutput<Stdout> {
  stdout: Stdout;
  stderr: string;
  exitCode: number;
}

/** Who a commit is by. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** The environment that makes git record `author` (and `committer`, default the author) on a commit. */
export function commitIdentityEnvironment(
  author: GitIdentity,
  committer: GitIdentity = author,
): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

/** Environment every git process gets. */
const GIT_ENVIRONMENT: Readonly<Record<string, string>> = {
  // English messages: callers recognise lost races and missing repositories by what git says.
  LC_ALL: 'C',
  // Never wait for a password on a terminal nobody is looking at.
  GIT_TERMINAL_PROMPT: '0',
  // Readers must not take the index lock a concurrent writer needs.
  GIT_OPTIONAL_LOCKS: '0',
};

/** Output larger than this is a bug or an attack, not a registry. */
const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

/** A git command that could not run or exited with a code the caller did not allow. */
export class GitError extends GitperfError {
  /** The full command line, `git` first. */
  readonly command: readonly string[];
  /** Git's exit code; undefined when git could not be started (not installed, say). */
  readonly gitExitCode: number | undefined;
  readonly stderr: string;
  constructor(
    command: readonly string[],
    gitExitCode: number | undefined,
    stderr: string,
    message: string,
    cliExitCode = 1,
  ) {
    super(error(gitExitCode === undefined ? 'git.unavailable' : 'git.failed', message), cliExitCode);
    this.name = 'GitError';
    this.command = command;
    this.gitExitCode = gitExitCode;
    this.stderr = stderr;
  }
}

function commandLine(args: readonly string[], options: GitCommandOptions): string[] {
  const location: string[] = [];
  if (options.gitDir !== undefined) location.push('--git-dir', options.gitDir);
  if (options.cwd !== undefined) location.push('-C', options.cwd);
  return [...location, ...args];
}

function environment(options: GitCommandOptions): Record<string, string> {
  return { ...GIT_ENVIRONMENT, ...options.env };
}

function failure(
  args: readonly string[],
  options: GitCommandOptions,
  gitExitCode: number | undefined,
  stderr: string,
  startError?: string,
): GitError {
  const command = ['git', ...commandLine(args, options)];
  if (gitExitCode === undefined) {
    return new GitError(
      command,
      undefined,
      stderr,
      `could not run git: ${startError ?? 'unknown error'}; install git`,
    );
  }
  const where = options.gitDir ?? options.cwd ?? process.cwd();
  const firstLine = stderr.trim().split('\n')[0] || `exit status ${gitExitCode}`;
  const hint = /not a git repository/.test(firstLine)
    ? '; run inside a git checkout (or pass --repo DIR)'
    : '';
  return new GitError(
    command,
    gitExitCode,
    stderr,
    `git ${args[0]} failed in ${where}: ${firstLine}${hint}`,
    options.failureExitCode,
  );
}

/**
 * Runs git asynchronously with node's own child_process (execa's ~100 modules cost a short command more
 * than the git call itself). Output beyond MAX_OUTPUT_BYTES stops git and is a failure.
 */
function run(
  args: readonly string[],
  options: GitCommandOptions,
  encoding: 'utf8' | 'buffer',
): Promise<GitOutput<string | Uint8Array>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', commandLine(args, options), {
      env: { ...process.env, ...environment(options) },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdoutChunks: Buffer[] = [];
    const stderrChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let tooLarge = false;
    let startError: Error | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_OUTPUT_BYTES) {
        tooLarge = true;
        child.kill('SIGKILL');
      } else stdoutChunks.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => stderrChunks.push(chunk));
    child.on('error', (cause) => {
      startError = cause;
    });
    if (child.stdin) {
      // EPIPE: git exited before reading its input (not a repository, say); its status and stderr tell why.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
    child.on('close', (exitCode) => {
      const stderr = Buffer.concat(stderrChunks).toString('utf8');
      if (startError || exitCode === null) {
        const why = startError?.message ?? (tooLarge ? `output over ${MAX_OUTPUT_BYTES} bytes` : 'killed');
        reject(failure(args, options, undefined, stderr, why));
        return;
      }
      if (!(options.allowedExitCodes ?? [0]).includes(exitCode)) {
        reject(failure(args, options, exitCode, stderr));
        return;
      }
      const bytes = Buffer.concat(stdoutChunks);
      resolve({ stdout: encoding === 'utf8' ? bytes.toString('utf8') : bytes, stderr, exitCode });
    });
  });
}

/** Runs git; stdout as text (not trimmed). Throws GitError on an exit code not in `allowedExitCodes`. */
export async function runGit(
  args: readonly string[],
  options: GitCommandOptions = {},
): Promise<GitOutput<string>> {
  const output = await run(args, options, 'utf8');
  return { ...output, stdout: output.stdout as string };
}

/** Runs git; stdout as bytes (blob contents, `-z` listings with arbitrary file names). */
export async function runGitForBytes(
  args: readonly string[],
  options: GitCommandOptions = {},
): Promise<GitOutput<Buffer>> {
  const output = await run(args, options, 'buffer');
  const bytes = output.stdout as Uint8Array;
  return { ...output, stdout: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/**
 * The synchronous form of `runGitForBytes`, for readers behind a synchronous interface (the policy's
 * registry view reads blobs lazily while its rules run). Same environment, same errors.
 */
export function runGitSync(args: readonly string[], options: GitCommandOptions = {}): GitOutput<Buffer> {
  const result = spawnSync('git', commandLine(args, options), {
    input: options.input,
    maxBuffer: MAX_OUTPUT_BYTES,
    env: { ...process.env, ...environment(options) },
  });
  const stderr = result.stderr?.toString() ?? '';
  // EPIPE: git exited before reading its input (not a repository, say); its status and stderr tell why.
  if (result.error && (result.error as NodeJS.ErrnoException).code !== 'EPIPE') {
    throw failure(args, options, undefined, stderr, result.error.message);
  }
  const exitCode = result.status ?? -1;
  if (!(options.allowedExitCodes ?? [0]).includes(exitCode)) throw failure(args, options, exitCode, stderr);
  return { stdout: result.stdout, stderr, exitCode };
}

/** One answer of `git cat-file --batch`, in request order. */
export type BatchObject =
  | { found: true; oid: string; type: string; content: Buffer }
  | { found: false; request: string };

/**
 * Parses the output of `git cat-file --batch`: per request either `<oid> <type> <size>\n<content>\n`
 * or `<request> missing\n` (also `ambiguous`). Contents are views into `output`, not copies.
 */
export function parseCatFileBatch(output: Buffer): BatchObject[] {
  const objects: BatchObject[] = [];
  let position = 0;
  while (position < output.length) {
    const headerEnd = output.indexOf(0x0a, position);
    if (headerEnd < 0) break;
    const header = output.subarray(position, headerEnd).toString('utf8');
    position = headerEnd + 1;
    const fields = header.split(' ');
    const last = fields[fields.length - 1];
    if (fields.length < 3 || last === 'missing' || last === 'ambiguous') {
      objects.push({ found: false, request: fields.slice(0, -1).join(' ') });
      continue;
    }
    const size = Number(fields[2]);
    objects.push({
      found: true,
      oid: fields[0],
      type: fields[1],
      content: output.subarray(position, position + size),
    });
    position += size + 1; // content is followed by a newline
  }
  return objects;
}

function batchInput(requests: readonly string[]): string {
  for (const request of requests) {
    // One request per line: a newline would shift every later answer onto the wrong request.
    if (request.includes('\n')) throw new Error(`git object name with a newline: ${JSON.stringify(request)}`);
  }
  return `${requests.join('\n')}\n`;
}

/**
 * Contents of many objects (`<oid>`, `<rev>:<path>`) through one `git cat-file --batch` process, in
 * request order; undefined for a missing one. The cost is one process whatever the count.
 */
export async function readObjects(
  requests: readonly string[],
  options: GitCommandOptions = {},
): Promise<Array<Buffer | undefined>> {
  if (requests.length === 0) return [];
  const output = await runGitForBytes(['cat-file', '--batch'], { ...options, input: batchInput(requests) });
  return parseCatFileBatch(output.stdout).map((object) => (object.found ? object.content : undefined));
}

/** The synchronous form of `readObjects` (see `runGitSync`). */
export function readObjectsSync(
  requests: readonly string[],
  options: GitCommandOptions = {},
): Array<Buffer | undefined> {
  if (requests.length === 0) return [];
  const output = runGitSync(['cat-file', '--batch'], { ...options, input: batchInput(requests) });
  return parseCatFileBatch(output.stdout).map((object) => (object.found ? object.content : undefined));
}

/**
 * Extracts `paths` (default: everything) of `ref` into the existing folder `into` with `git archive`
 * streamed through tar, dropping `strip` leading path components: no checkout, no index.
 */
export async function extractArchive(
  ref: string,
  into: string,
  options: GitCommandOptions & { paths?: readonly string[]; strip?: number } = {},
): Promise<void> {
  const [{ execa }, tar] = await Promise.all([import('execa'), import('tar')]);
  const args = ['archive', '--format=tar', ref, ...(options.paths ?? [])];
  const archive = execa('git', commandLine(args, options), {
    env: environment(options),
    buffer: { stdout: false, stderr: true },
    stdout: 'pipe',
    reject: false,
  });
  const extract = tar.x({ cwd: into, strip: options.strip });
  archive.stdout?.pipe(extract);
  // Both settle before deciding: when git fails, tar sees a truncated archive, and git's reason is the useful one.
  const [archived, extracted] = await Promise.allSettled([
    archive,
    new Promise((resolve, reject) => extract.on('finish', resolve).on('error', reject)),
  ]);
  if (archived.status === 'rejected') throw archived.reason;
  const stderr = String(archived.value.stderr ?? '');
  if (archived.value.exitCode === undefined) {
    throw failure(args, options, undefined, stderr, archived.value.shortMessage);
  }
  if (archived.value.exitCode !== 0) throw failure(args, options, archived.value.exitCode, stderr);
  if (extracted.status === 'rejected') throw extracted.reason;
}

/** The top folder of the working tree containing `folder`, or undefined outside one. */
export async function workingTreeRoot(folder: string): Promise<string | undefined> {
  const result = await runGit(['rev-parse', '--show-toplevel'], { cwd: folder, allowedExitCodes: [0, 128] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * Git's blob ids of the regular files below `folder` (paths relative to it) whose work-tree content is
 * what the index records: `ls-files` gives the index's ids and `diff-files` the files that differ from
 * it (git compares stat data, and content where the stat data cannot tell: racily clean entries). Files
 * that are untracked, modified, unmerged, assume-unchanged or skip-worktree are absent: the caller reads
 * and hashes those. Undefined outside a git work tree. Lets a reader skip reading unchanged files.
 */
export async function cleanBlobIds(folder: string): Promise<Map<string, string> | undefined> {
  const options = { cwd: folder, allowedExitCodes: [0, 128] };
  const [listed, changed] = await Promise.all([
    runGitForBytes(['ls-files', '--stage', '-v', '-z', '--', '.'], options),
    runGitForBytes(['diff-files', '--name-only', '-z', '--relative', '--', '.'], options),
  ]);
  if (listed.exitCode !== 0 || changed.exitCode !== 0) return undefined;
  const ids = new Map<string, string>();
  // `<tag> <mode> <id> <stage>\t<path>`: tag H is a plain cached entry (lower case: assume-unchanged,
  // S: skip-worktree, whose work-tree files git does not look at).
  for (const record of listed.stdout.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [tag, mode, id, stage] = record.slice(0, tab).split(' ');
    if (tag === 'H' && (mode === '100644' || mode === '100755') && stage === '0')
      ids.set(record.slice(tab + 1), id);
  }
  for (const path of changed.stdout.toString('utf8').split('\0')) ids.delete(path);
  return ids;
}

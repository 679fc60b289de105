/**
 * Plays the registry's GitHub workflows without GitHub: a GitHub whose API is the OpenAPI-validated model
 * (test/forge/github/github-model.ts) behind a local HTTP server, whose git objects are a real bare repository
 * (so `git fetch refs/pull/N/head` and clones work), and a player that reads a workflow file and runs one job's
 * steps in order the way a runner does: `actions/checkout` clones the repository at the ref GitHub would,
 * `upload-artifact`/`download-artifact` copy folders between jobs, `create-github-app-token` hands out the
 * App's token, `setup-node` and the install step are the gitperf under test (`cli/bin/run.js` on PATH), and
 * every `run:` step runs in bash with the step's `env:` (its `${{ }}` expressions evaluated from the event
 * payload, `matrix`, `steps.*.outputs`) and GitHub's variables (GITHUB_EVENT_PATH, GITHUB_OUTPUT, ...).
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { GitHubModel } from '../forge/github/github-model.js';
import { cliBin } from './cli.js';
import {
  type ContractHarness,
  type ContractRequest,
  type ContractResponse,
  createContractFetch,
} from './openapi-github.js';

type Json = Record<string, unknown>;

function git(gitDir: string, args: string[], input?: string, env: Record<string, string> = {}): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  }).trim();
}

/** The model, with every tree and commit a real git object in `bare` and its refs mirrored there. */
export class GitBackedGitHubModel extends GitHubModel {
  bare = '';
  private tick = 0;

  static async create(seedBare: string, owner = 'medperf', repo = 'registry'): Promise<GitBackedGitHubModel> {
    const model = new GitBackedGitHubModel(owner, repo);
    model.bare = seedBare;
    model.adoptBranch('main');
    return model;
  }

  override writeTree(files: Map<string, string>): string {
    if (!this.bare) return super.writeTree(files);
    const index = join(this.bare, `player-index-${process.pid}`);
    execFileSync('rm', ['-f', index]);
    const lines = [...files].map(([path, blob]) => `100644 ${blob}\t${path}`).join('\n');
    git(this.bare, ['update-index', '--add', '--index-info'], `${lines}\n`, { GIT_INDEX_FILE: index });
    const sha = git(this.bare, ['write-tree'], undefined, { GIT_INDEX_FILE: index });
    this.trees.set(sha, new Map(files));
    return sha;
  }

  override writeCommit(tree: string, parents: string[], message: string, author: string): string {
    if (!this.bare) return super.writeCommit(tree, parents, message, author);
    const date = `${1_780_000_000 + this.tick++} +0000`;
    const who = { NAME: author, EMAIL: `${author}@users.noreply.github.com`, DATE: date };
    const env = Object.fromEntries(
      Object.entries(who).flatMap(([k, v]) => [
        [`GIT_AUTHOR_${k}`, v],
        [`GIT_COMMITTER_${k}`, v],
      ]),
    );
    const sha = git(this.bare, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], message, env);
    this.commits.set(sha, { sha, tree, parents, message, author });
    return sha;
  }

  /** Makes a commit pushed to the bare repository with git known to the model (tree, parents). */
  adopt(sha: string): void {
    if (this.commits.has(sha)) return;
    const tree = git(this.bare, ['rev-parse', `${sha}^{tree}`]);
    const files = new Map<string, string>();
    for (const line of git(this.bare, ['ls-tree', '-r', sha]).split('\n').filter(Boolean)) {
      const [meta, path] = line.split('\t');
      files.set(path, meta.split(' ')[2]);
    }
    this.trees.set(tree, files);
    const parents = git(this.bare, ['rev-list', '--parents', '-n', '1', sha]).split(' ').slice(1);
    this.commits.set(sha, { sha, tree, parents, message: '', author: '' });
  }

  /** A branch someone pushed with git: the model's ref follows it. */
  adoptBranch(branch: string): string {
    const sha = git(this.bare, ['rev-parse', `refs/heads/${branch}`]);
    this.adopt(sha);
    this.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  /** Answers a request, with blobs written to git first, then mirrors the refs (branches and pull heads). */
  readonly gitHandle = (req: ContractRequest): ContractResponse => {
    if (req.operationId === 'git/create-tree' && req.body && Array.isArray(req.body.tree)) {
      for (const entry of req.body.tree as Array<Record<string, unknown>>) {
        if (typeof entry.content !== 'string') continue;
        const blob = git(this.bare, ['hash-object', '-w', '--stdin'], entry.content);
        this.blobs.set(blob, entry.content);
        entry.sha = blob;
        delete entry.content;
      }
    }
    const answer = this.handle(req);
    this.mirrorRefs();
    return answer;
  };

  private mirrorRefs(): void {
    const want = new Map<string, string>();
    for (const [ref, sha] of this.refs) want.set(`refs/${ref}`, sha);
    for (const p of this.pulls)
      want.set(`refs/pull/${p.number}/head`, this.refs.get(`heads/${p.head}`) ?? p.headSha);
    const have = new Map(
      git(this.bare, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/pull'])
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ') as [string, string]),
    );
    for (const [ref, sha] of want) if (have.get(ref) !== sha) git(this.bare, ['update-ref', ref, sha]);
    for (const ref of have.keys()) if (!want.has(ref)) git(this.bare, ['update-ref', '-d', ref]);
  }
}

/** The model behind the contract harness, served over HTTP for the gitperf processes the steps start. */
export async function serveGitHub(handler: (req: ContractRequest) => ContractResponse): Promise<{
  url: string;
  harness: ContractHarness;
  close(): Promise<void>;
}> {
  const harness = createContractFetch(handler);
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (typeof v === 'string') headers[k] = v;
    const answer = await harness.fetch(`https://api.github.com${request.url}`, {
      method: request.method,
      headers,
      ...(body ? { body } : {}),
    });
    const out = Buffer.from(await answer.arrayBuffer());
    const responseHeaders: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      responseHeaders[k] = v;
    });
    response.writeHead(answer.status, responseHeaders);
    response.end(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    harness,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Looks a dotted path up in the expression context: `github.event.pull_request.number`, `matrix.id`. */
function lookup(context: Json, path: string): unknown {
  let node: unknown = context;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Json)[part];
  }
  return node;
}

/** `${{ a.b || c.d }}` and `'literal'` alternatives: the only expressions the workflows' `env:` use. */
export function evaluate(text: string, context: Json): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_all, expression: string) => {
    for (const alternative of expression.split('||').map((s) => s.trim())) {
      const value = /^'.*'$/.test(alternative) ? alternative.slice(1, -1) : lookup(context, alternative);
      if (value !== undefined && value !== null && value !== '' && value !== false) return String(value);
    }
    return '';
  });
}

export interface StepRecord {
  name: string;
  command?: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface JobRun {
  steps: StepRecord[];
  /** `steps.<id>.outputs` of steps with an id. */
  outputs: Record<string, Record<string, string>>;
  summary: string;
}

export interface PlayJobInput {
  /** Repository root's `.github/workflows/<file>`. */
  workflow: string;
  job: string;
  event: { name: string; payload: Json };
  /** The repository the checkout step clones (the model's bare repository). */
  bare: string;
  /** `OWNER/NAME`. */
  repository: string;
  apiUrl: string;
  /** The workflow's GITHUB_TOKEN for this job. */
  token: string;
  /** What `create-github-app-token` hands out. */
  app?: { token: string; slug: string };
  matrix?: Json;
  /** Extra environment of the machine (a hospital runner's GITPERF_HOME, GITPERF_RUNNER). */
  machineEnv?: Record<string, string>;
  /** Folder the run's artifacts live in (shared by the jobs of one workflow run). */
  artifacts: string;
  /** The ref `actions/checkout` checks out when the step names none: what GitHub uses for this event. */
  defaultRef: string;
}

/** Runs one job of a workflow file, step by step, as a runner would. */
export async function playJob(input: PlayJobInput): Promise<JobRun> {
  const doc = parse(await readFile(input.workflow, 'utf8')) as Json;
  const job = lookup(doc, `jobs.${input.job}`) as Json;
  const work = await mkdtemp(join(tmpdir(), 'gitperf-runner-'));
  const workspace = join(work, 'workspace');
  const bin = join(work, 'bin');
  await mkdir(bin, { recursive: true });
  await mkdir(workspace, { recursive: true });
  // The gitperf under test, where `npm link` / `npm install --global` would put it.
  await writeFile(join(bin, 'gitperf'), `#!/bin/sh\nexec node ${cliBin} "$@"\n`, { mode: 0o755 });
  const eventPath = join(work, 'event.json');
  await writeFile(eventPath, JSON.stringify(input.event.payload));
  const summaryFile = join(work, 'summary.md');
  await writeFile(summaryFile, '');
  const outputs: Record<string, Record<string, string>> = {};
  const steps: StepRecord[] = [];
  const context = (): Json => ({
    github: { event: input.event.payload, token: input.token, repository: input.repository },
    matrix: input.matrix ?? {},
    steps: Object.fromEntries(Object.entries(outputs).map(([id, o]) => [id, { outputs: o }])),
    secrets: {},
  });
  const jobEnv = Object.fromEntries(
    Object.entries((job.env as Record<string, string>) ?? {}).map(([k, v]) => [
      k,
      evaluate(String(v), context()),
    ]),
  );
  for (const [index, step] of ((job.steps as Json[]) ?? []).entries()) {
    const name = String(step.name ?? step.uses ?? step.run ?? `step ${index + 1}`);
    const id = typeof step.id === 'string' ? step.id : undefined;
    const uses = typeof step.uses === 'string' ? step.uses.split('@')[0] : undefined;
    const withInputs = (step.with as Json) ?? {};
    if (uses === 'actions/checkout') {
      const ref = typeof withInputs.ref === 'string' ? evaluate(withInputs.ref, context()) : input.defaultRef;
      await execa('git', ['clone', '--quiet', input.bare, workspace]);
      await execa('git', ['-C', workspace, 'fetch', '--quiet', 'origin', `+${ref}:refs/player/checkout`]);
      await execa('git', ['-C', workspace, 'checkout', '--quiet', '--detach', 'refs/player/checkout']);
      steps.push({ name, exitCode: 0, stdout: '', stderr: '' });
      continue;
    }
    if (uses === 'actions/create-github-app-token') {
      if (!input.app) throw new Error(`${input.job}: the App token step needs an App`);
      if (id) outputs[id] = { token: input.app.token, 'app-slug': input.app.slug };
      steps.push({ name, exitCode: 0, stdout: '', stderr: '' });
      continue;
    }
    if (uses === 'actions/upload-artifact') {
      const artifact = join(input.artifacts, evaluate(String(withInputs.name), context()));
      await cp(join(workspace, String(withInputs.path)), artifact, { recursive: true });
      steps.push({ name, exitCode: 0, stdout: '', stderr: '' });
      continue;
    }
    if (uses === 'actions/download-artifact') {
      const pattern = new RegExp(`^${String(withInputs.pattern).replace(/\*/g, '.*')}$`);
      const { readdir } = await import('node:fs/promises');
      for (const artifact of (await readdir(input.artifacts)).filter((a) => pattern.test(a)))
        await cp(join(input.artifacts, artifact), join(workspace, String(withInputs.path), artifact), {
          recursive: true,
        });
      steps.push({ name, exitCode: 0, stdout: '', stderr: '' });
      continue;
    }
    if (uses) {
      // setup-node: this process's node is on PATH already.
      steps.push({ name, exitCode: 0, stdout: '', stderr: '' });
      continue;
    }
    const run = String(step.run);
    // The install step: the gitperf under test is on PATH already.
    if (/^npm (ci|install)\b/.test(run)) {
      steps.push({ name, command: run, exitCode: 0, stdout: '', stderr: '' });
      continue;
    }
    const outputFile = join(work, `output-${index}`);
    await writeFile(outputFile, '');
    const stepEnv = Object.fromEntries(
      Object.entries((step.env as Record<string, string>) ?? {}).map(([k, v]) => [
        k,
        evaluate(String(v), context()),
      ]),
    );
    const result = await execa('bash', ['-e', '-o', 'pipefail', '-c', run], {
      cwd: workspace,
      reject: false,
      timeout: 300_000,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: work,
        NO_COLOR: '1',
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: input.repository,
        GITHUB_EVENT_NAME: input.event.name,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_API_URL: input.apiUrl,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '4242',
        GITHUB_WORKSPACE: workspace,
        GITPERF_HOME: join(work, 'gitperf-home'),
        ...input.machineEnv,
        ...jobEnv,
        ...stepEnv,
      },
      extendEnv: false,
    });
    const record = {
      name,
      command: run,
      exitCode: result.exitCode ?? -1,
      stdout: String(result.stdout),
      stderr: String(result.stderr),
    };
    steps.push(record);
    if (id) {
      const lines = (await readFile(outputFile, 'utf8')).split('\n').filter((l) => l.includes('='));
      outputs[id] = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    }
    if (record.exitCode !== 0) break;
  }
  return { steps, outputs, summary: await readFile(summaryFile, 'utf8') };
}

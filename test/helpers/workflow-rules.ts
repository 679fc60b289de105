/**
 * The security rules every GitHub workflow of a gitperf registry follows (issue 9, item 4), as a checker
 * over workflow files: this repository's `.github/workflows/*.yml` and those `gitperf init` writes. It
 * is a test helper, not a runtime feature: it checks files we commit.
 *
 *   pull-request-target   no privileged workflow (`pull_request_target`, `workflow_run`, `issue_comment`) checks
 *                         out or runs pull-request code (the PR's head or merge ref, a workflow_run's head)
 *   self-hosted-on-pr     no self-hosted runner reachable from a pull-request-triggered workflow (also
 *                         through a local reusable workflow it calls); a runs-on expression counts as reachable
 *   permissions           top-level `permissions` set and read-only (each job raises only what it needs)
 *   pinned                every action (`uses:`) pinned to a full 40-hex commit sha (local ones excepted)
 *   persist-credentials   `persist-credentials: false` on every actions/checkout
 *   untrusted-in-run      no untrusted context (`github.event.*`, `github.head_ref`) interpolated into `run:`
 *                         or a github-script `script:`; pass it through `env:`
 *   empty-matrix          a job whose matrix comes from an expression has an `if:` on that output, so an
 *                         empty plan skips instead of failing
 */
import { parse } from 'yaml';

export type WorkflowRule =
  | 'pull-request-target'
  | 'self-hosted-on-pr'
  | 'permissions'
  | 'pinned'
  | 'persist-credentials'
  | 'untrusted-in-run'
  | 'empty-matrix'
  | 'yaml';

export interface WorkflowFinding {
  file: string;
  rule: WorkflowRule;
  message: string;
}

export interface WorkflowFile {
  /** Repository-relative, e.g. `.github/workflows/check.yml`. */
  path: string;
  text: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Events whose runs execute with pull-request content or on behalf of a pull request's author. */
const PR_EVENTS = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
  'merge_group',
  'issue_comment',
];
const UNTRUSTED =
  /\$\{\{[^}]*\b(github\.event\b|github\.head_ref\b|github\[['"](event|head_ref)['"]\])[^}]*\}\}/;
const PR_CODE_REF =
  /github\.event\.pull_request\.head|github\.head_ref|refs\/pull\/|github\.event\.pull_request\.merge|github\.event\.workflow_run\.head_(sha|branch|commit|repository)/;
/** Triggers that run the default branch's workflow with a write token and secrets, whatever the PR says. */
const PRIVILEGED_EVENTS = ['pull_request_target', 'workflow_run', 'issue_comment'];
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\-/]+@[0-9a-f]{40}$/;

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (isObj(on)) return Object.keys(on);
  return [];
}

function stepsOf(job: Obj): Obj[] {
  return Array.isArray(job.steps) ? job.steps.filter(isObj) : [];
}

const isCheckout = (uses: unknown) => typeof uses === 'string' && /^actions\/checkout@/.test(uses);

function runsOnSelfHosted(runsOn: unknown): boolean | 'unknown' {
  if (runsOn === undefined) return false; // a reusable-workflow call: its own jobs are checked
  if (typeof runsOn === 'string') return runsOn.includes('${{') ? 'unknown' : runsOn === 'self-hosted';
  if (Array.isArray(runsOn)) {
    if (runsOn.some((l) => typeof l === 'string' && l.includes('${{'))) return 'unknown';
    return runsOn.includes('self-hosted');
  }
  // `{ group: ..., labels: ... }`: a runner group is self-hosted (or larger hosted runners we do not use).
  if (isObj(runsOn)) return true;
  return 'unknown';
}

function readOnlyPermissions(p: unknown): boolean {
  if (isObj(p)) return Object.values(p).every((v) => v === 'read' || v === 'none');
  return false; // read-all / write-all / anything else: not minimal
}

/** Checks a set of workflow files together (a reusable workflow is reachable from its callers' events). */
export function checkWorkflowRules(files: readonly WorkflowFile[]): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const docs = new Map<string, Obj>();
  for (const f of files) {
    try {
      const doc = parse(f.text);
      if (!isObj(doc)) throw new Error('not a mapping');
      docs.set(f.path, doc);
    } catch (e) {
      findings.push({ file: f.path, rule: 'yaml', message: (e as Error).message });
    }
  }
  // Which files run on a pull-request event, directly or through `uses: ./.github/workflows/x.yml`.
  const prReachable = new Set<string>();
  const visit = (path: string) => {
    if (prReachable.has(path)) return;
    prReachable.add(path);
    const doc = docs.get(path);
    for (const job of Object.values(isObj(doc?.jobs) ? doc.jobs : {}))
      if (isObj(job) && typeof job.uses === 'string' && job.uses.startsWith('./')) visit(job.uses.slice(2));
  };
  for (const [path, doc] of docs) if (triggers(doc.on).some((t) => PR_EVENTS.includes(t))) visit(path);

  for (const [file, doc] of docs) {
    const add = (rule: WorkflowRule, message: string) => findings.push({ file, rule, message });
    const events = triggers(doc.on);
    if (!('permissions' in doc))
      add('permissions', 'no top-level `permissions`: set it (read-only) and raise per job');
    else if (!readOnlyPermissions(doc.permissions))
      add(
        'permissions',
        `top-level permissions must be read-only ({} or scopes: read|none), not ${JSON.stringify(doc.permissions)}`,
      );
    const jobs = isObj(doc.jobs) ? doc.jobs : {};
    for (const [name, jobValue] of Object.entries(jobs)) {
      if (!isObj(jobValue)) continue;
      const job = jobValue;
      if (job.permissions === 'write-all')
        add('permissions', `job ${name}: write-all; name the scopes it needs`);
      if (prReachable.has(file)) {
        const selfHosted = runsOnSelfHosted(job['runs-on']);
        if (selfHosted)
          add(
            'self-hosted-on-pr',
            `job ${name} ${selfHosted === 'unknown' ? 'may run' : 'runs'} on a self-hosted runner in a workflow a pull request triggers`,
          );
      }
      if (typeof job.uses === 'string' && !job.uses.startsWith('./') && !PINNED.test(job.uses))
        add('pinned', `job ${name}: ${job.uses} is not pinned to a full commit sha`);
      const strategy = isObj(job.strategy) ? job.strategy : undefined;
      const matrix = strategy?.matrix;
      const matrixText = typeof matrix === 'string' ? matrix : isObj(matrix) ? JSON.stringify(matrix) : '';
      if (matrixText.includes('${{')) {
        const ifText = typeof job.if === 'string' ? job.if : '';
        if (!/needs\.[A-Za-z0-9_-]+\.outputs|fromJSON\(/.test(ifText))
          add(
            'empty-matrix',
            `job ${name}: its matrix comes from an expression; add an \`if:\` that skips an empty one`,
          );
      }
      for (const [index, step] of stepsOf(job).entries()) {
        const where = `job ${name} step ${index + 1}`;
        const uses = step.uses;
        if (
          typeof uses === 'string' &&
          !uses.startsWith('./') &&
          !uses.startsWith('docker://') &&
          !PINNED.test(uses)
        )
          add('pinned', `${where}: ${uses} is not pinned to a full commit sha`);
        const withInputs = isObj(step.with) ? step.with : {};
        if (isCheckout(uses)) {
          const persist = withInputs['persist-credentials'];
          if (persist !== false && persist !== 'false')
            add('persist-credentials', `${where}: actions/checkout without \`persist-credentials: false\``);
          if (events.some((e) => PRIVILEGED_EVENTS.includes(e))) {
            const target = `${withInputs.ref ?? ''} ${withInputs.repository ?? ''}`;
            if (PR_CODE_REF.test(target))
              add(
                'pull-request-target',
                `${where}: checks out pull-request code in a privileged (${events.join(', ')}) workflow`,
              );
          }
        }
        if (typeof step.run === 'string') {
          if (UNTRUSTED.test(step.run))
            add(
              'untrusted-in-run',
              `${where}: untrusted context interpolated into run:; pass it through env:`,
            );
          if (events.some((e) => PRIVILEGED_EVENTS.includes(e)) && PR_CODE_REF.test(step.run))
            add('pull-request-target', `${where}: runs pull-request code in a privileged workflow`);
        }
        if (
          typeof uses === 'string' &&
          /^actions\/github-script@/.test(uses) &&
          typeof withInputs.script === 'string'
        )
          if (UNTRUSTED.test(withInputs.script))
            add(
              'untrusted-in-run',
              `${where}: untrusted context interpolated into a script; pass it through env:`,
            );
      }
    }
  }
  return findings;
}

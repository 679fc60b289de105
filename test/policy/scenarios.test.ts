/**
 * The policy scenario suite: every case is a real git repository (base commit on main, head commit on a
 * branch), an author and reviews, evaluated exactly as `gitperf policy check` does.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluatedDecision } from '../../cli/src/policy/index.js';
import {
  benchmark,
  cube,
  dataset,
  datasetAssoc,
  modelAssoc,
  P,
  result,
  runner,
  user,
} from './helpers/registry.js';
import { cleanupTemplates, runScenario, type ScenarioSpec } from './helpers/scenario.js';

type Expect =
  | { status: 'pass' }
  | { status: 'fail'; violation: string }
  | { status: 'pending'; approver: string[]; code?: string };

const B = 'bc-diagnosis';
const twoAdmins: ScenarioSpec['base'] = (f) => f.set(P.user('ben'), user('ben', true));
const autoApproval =
  (mode: string, allowlist?: string[]): ScenarioSpec['base'] =>
  (f) =>
    f.edit(P.bench(B), (b) => {
      (b.spec as { policy: Record<string, unknown> }).policy.modelAutoApproval = {
        mode,
        ...(allowlist ? { allowlist } : {}),
      };
    });
const botResult = (runnerRef: string) => {
  const r = result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg') as {
    spec: { execution: Record<string, unknown> };
  };
  r.spec.execution.runnerRef = runnerRef;
  return r;
};
const stumpAssoc: ScenarioSpec['head'] = (f) =>
  f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump'));

const cases: Array<[string, ScenarioSpec, Expect]> = [
  // ── authors ─────────────────────────────────────────────────────────────────────────────────────────
  [
    'unregistered author',
    { author: 'mallory', head: (f) => f.set(P.cube('mallory/x'), cube('mallory', 'x')) },
    { status: 'fail', violation: 'policy.author-unregistered' },
  ],
  [
    'bot changing an MLCube',
    {
      author: 'gitperf-bot',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          e.spec.valid = false;
        }),
    },
    { status: 'fail', violation: 'policy.bot-scope' },
  ],
  [
    'author login case does not matter',
    { author: 'Lee', head: (f) => f.set(P.cube('lee/new-cube'), cube('lee', 'new-cube')) },
    { status: 'pass' },
  ],

  // ── self-service ────────────────────────────────────────────────────────────────────────────────────
  [
    'owner adds own MLCube',
    { author: 'lee', head: (f) => f.set(P.cube('lee/new-cube'), cube('lee', 'new-cube')) },
    { status: 'pass' },
  ],
  [
    "MLCube in another user's folder",
    { author: 'lee', head: (f) => f.set(P.cube('kim/sneaky'), cube('kim', 'sneaky')) },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'owner edits own MLCube description',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          e.metadata.description = 'better words';
        }),
    },
    { status: 'pass' },
  ],
  [
    "edit of another user's MLCube",
    {
      author: 'kim',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          e.metadata.description = 'x';
        }),
    },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'owner adds own Dataset',
    {
      author: 'hospital-c',
      head: (f) => f.set(P.dataset('hospital-c/new-ds'), dataset('hospital-c', 'new-ds')),
    },
    { status: 'pass' },
  ],
  [
    "Dataset in another hospital's folder",
    { author: 'hospital-c', head: (f) => f.set(P.dataset('hospital-a/fake'), dataset('hospital-a', 'fake')) },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'owner adds own Runner',
    {
      author: 'hospital-c',
      head: (f) =>
        f.set(P.runner('hospital-c/runner-c'), runner('hospital-c', 'runner-c', ['hospital-c/wdbc-c'])),
    },
    { status: 'pass' },
  ],
  [
    'owner edits own Runner',
    {
      author: 'hospital-a',
      head: (f) =>
        f.edit(P.runner('hospital-a/runner-a'), (e) => {
          e.spec.labels = ['gpu'];
        }),
    },
    { status: 'pass' },
  ],
  [
    'owner deletes own Runner',
    { author: 'hospital-b', head: (f) => f.delete(P.runner('hospital-b/runner-b')) },
    { status: 'pass' },
  ],
  [
    'someone else deletes a Runner',
    { author: 'hospital-a', head: (f) => f.delete(P.runner('hospital-b/runner-b')) },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'content owner disagrees with folder',
    { author: 'lee', head: (f) => f.set(P.cube('lee/new-cube'), cube('kim', 'new-cube')) },
    // Structure is the validator's (one report): the policy no longer has its own policy.path-mismatch.
    { status: 'fail', violation: 'layout.owner-mismatch' },
  ],

  // ── frozen fields and operation state ───────────────────────────────────────────────────────────────
  [
    'frozen hash edit',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          (e.spec.manifest as Record<string, string>).sha256 = `sha256:${'f'.repeat(64)}`;
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  [
    'frozen hash edit in development too',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/dev-cube'), (e) => {
          (e.spec.image as Record<string, string>).digest = `sha256:${'e'.repeat(64)}`;
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  [
    'adding a parameters resource to a merged cube',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/dev-cube'), (e) => {
          e.spec.parameters = { url: 'p.yaml', sha256: `sha256:${'a'.repeat(64)}` };
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  [
    'URL move of an operation cube',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          (e.spec.manifest as Record<string, string>).url = 'https://example.org/mlcube.yaml';
        }),
    },
    { status: 'pass' },
  ],
  [
    'owner invalidates own cube',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          e.spec.valid = false;
        }),
    },
    { status: 'pass' },
  ],
  [
    'image reference of an operation cube',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          (e.spec.image as Record<string, string>).reference = 'localhost/other:2';
        }),
    },
    { status: 'fail', violation: 'policy.operation-locked' },
  ],
  [
    'image reference of a development cube',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/dev-cube'), (e) => {
          (e.spec.image as Record<string, string>).reference = 'localhost/other:2';
        }),
    },
    { status: 'pass' },
  ],
  [
    'operation back to development',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          e.spec.state = 'development';
        }),
    },
    { status: 'fail', violation: 'policy.operation-locked' },
  ],
  [
    'development to operation',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/dev-cube'), (e) => {
          e.spec.state = 'operation';
        }),
    },
    { status: 'pass' },
  ],
  [
    'operation dataset location edit',
    {
      author: 'hospital-a',
      head: (f) =>
        f.edit(P.dataset('hospital-a/wdbc-a'), (e) => {
          e.spec.location = 'Elsewhere';
        }),
    },
    { status: 'fail', violation: 'policy.operation-locked' },
  ],
  [
    'dataset set operational (new generatedUid)',
    {
      author: 'hospital-b',
      head: (f) =>
        f.edit(P.dataset('hospital-b/dev-ds'), (e) => {
          e.spec.state = 'operation';
          e.spec.generatedUid = `sha256:${'c'.repeat(64)}`;
        }),
    },
    { status: 'pass' },
  ],
  [
    'dataset input hash edit',
    {
      author: 'hospital-b',
      head: (f) =>
        f.edit(P.dataset('hospital-b/dev-ds'), (e) => {
          e.spec.inputDataHash = `sha256:${'d'.repeat(64)}`;
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  [
    'dataset preparator edit',
    {
      author: 'hospital-b',
      head: (f) =>
        f.edit(P.dataset('hospital-b/dev-ds'), (e) => {
          e.spec.preparator = 'kim/bc-stump';
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],

  // ── deletions ───────────────────────────────────────────────────────────────────────────────────────
  [
    'owner deletes own MLCube',
    { author: 'lee', head: (f) => f.delete(P.cube('lee/dev-cube')) },
    { status: 'fail', violation: 'policy.delete-admin-only' },
  ],
  [
    'sole admin deletes an MLCube',
    { author: 'ada', head: (f) => f.delete(P.cube('lee/dev-cube')) },
    { status: 'pass' },
  ],
  [
    'admin deletes a Dataset with a second admin',
    { author: 'ada', base: twoAdmins, head: (f) => f.delete(P.dataset('hospital-b/dev-ds')) },
    { status: 'pending', approver: ['ben'], code: 'approval.admin' },
  ],
  [
    'user deletes a User file',
    { author: 'raj', head: (f) => f.delete(P.user('kim')) },
    { status: 'fail', violation: 'policy.delete-admin-only' },
  ],

  // ── admin approval ──────────────────────────────────────────────────────────────────────────────────
  [
    'workflow change by a user',
    { author: 'ana', head: (f) => f.set('.github/workflows/ci.yml', 'on: [push]\n') },
    { status: 'pending', approver: ['ada'], code: 'approval.admin' },
  ],
  [
    'workflow change approved by the admin',
    { author: 'ana', head: (f) => f.set('.github/workflows/ci.yml', 'on: [push]\n'), reviews: ['ada'] },
    { status: 'pass' },
  ],
  [
    'schema change approved by a non-admin',
    { author: 'ana', head: (f) => f.set('schemas/user.schema.json', '{"x":1}\n'), reviews: ['raj'] },
    { status: 'pending', approver: ['ada'] },
  ],
  [
    'sole admin adds a user',
    { author: 'ada', head: (f) => f.set(P.user('new-user'), user('new-user')) },
    { status: 'pass' },
  ],
  [
    'admin adds a user with a second admin',
    { author: 'ada', base: twoAdmins, head: (f) => f.set(P.user('new-user'), user('new-user')) },
    { status: 'pending', approver: ['ben'] },
  ],
  [
    'admin change approved by the other admin',
    {
      author: 'ada',
      base: twoAdmins,
      head: (f) => f.set(P.user('new-user'), user('new-user')),
      reviews: ['ben'],
    },
    { status: 'pass' },
  ],
  [
    'admin approving their own change',
    {
      author: 'ada',
      base: twoAdmins,
      head: (f) => f.set(P.user('new-user'), user('new-user')),
      reviews: ['ada'],
    },
    { status: 'pending', approver: ['ben'] },
  ],
  [
    'user makes themself admin',
    { author: 'raj', head: (f) => f.set(P.user('raj'), user('raj', true)) },
    { status: 'pending', approver: ['ada'] },
  ],
  [
    'registry settings change',
    {
      author: 'raj',
      head: (f) =>
        f.edit('registry/registry.yaml', (e) => {
          e.spec.bots = ['evil-bot'];
        }),
    },
    { status: 'pending', approver: ['ada'] },
  ],
  [
    'no admin in the registry',
    {
      author: 'ana',
      base: (f) => f.set(P.user('ada'), user('ada')),
      head: (f) => f.set('README.md', 'hi\n'),
    },
    { status: 'fail', violation: 'policy.no-admin' },
  ],
  [
    'unknown file under registry/',
    { author: 'lee', head: (f) => f.set('registry/notes.txt', 'x\n') },
    { status: 'fail', violation: 'layout.unknown-path' },
  ],

  // ── benchmarks ──────────────────────────────────────────────────────────────────────────────────────
  [
    'new benchmark',
    {
      author: 'ana',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana', 'raj'])),
    },
    { status: 'pending', approver: ['ada'], code: 'approval.admin' },
  ],
  [
    'new benchmark approved by the admin',
    {
      author: 'ana',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana', 'raj'])),
      reviews: ['ada'],
    },
    { status: 'pass' },
  ],
  [
    'benchmark submitted for someone else',
    {
      author: 'raj',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana', 'raj'])),
    },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'benchmark with a development cube',
    {
      author: 'ana',
      head: (f) =>
        f.set(
          P.bench('new-bench'),
          benchmark('new-bench', 'ana', ['ana'], { referenceModel: 'lee/dev-cube' }),
        ),
    },
    { status: 'fail', violation: 'policy.cube-not-operation' },
  ],
  [
    'benchmark with an unregistered committee member',
    {
      author: 'ana',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana', 'ghost'])),
    },
    // A login registered nowhere is the validator's unresolved reference.
    { status: 'fail', violation: 'ref.unknown-user' },
  ],
  [
    'benchmark naming a committee member registered in the same pull request',
    {
      author: 'ana',
      head: (f) =>
        f
          .set(P.user('ghost'), user('ghost'))
          .set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana', 'ghost'])),
    },
    { status: 'fail', violation: 'policy.committee-unregistered' },
  ],
  [
    'committee member edits the description',
    {
      author: 'raj',
      head: (f) =>
        f.edit(P.bench(B), (e) => {
          e.metadata.description = 'New words';
        }),
    },
    { status: 'pass' },
  ],
  [
    'committee member edits the auto-approval policy',
    {
      author: 'ana',
      head: (f) =>
        f.edit(P.bench(B), (e) => {
          (e.spec.policy as Record<string, unknown>).modelAutoApproval = { mode: 'always' };
        }),
    },
    { status: 'pass' },
  ],
  [
    // The sharing fields of an operational benchmark also need an admin (rules/sharing.ts; more in its tests).
    'committee member tightens the sharing policy of an operational benchmark',
    {
      author: 'ana',
      head: (f) =>
        f.edit(P.bench(B), (e) => {
          (e.spec.policy as Record<string, unknown>).sharing = 'aggregate';
        }),
    },
    { status: 'pending', approver: ['ada'], code: 'approval.admin' },
  ],
  [
    'outsider edits the benchmark policy',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.bench(B), (e) => {
          e.spec.docsUrl = 'https://example.org';
        }),
    },
    { status: 'pending', approver: ['ana', 'raj'], code: 'approval.committee' },
  ],
  [
    'committee change needs an admin',
    {
      author: 'ana',
      head: (f) =>
        f.edit(P.bench(B), (e) => {
          e.spec.committee = ['ana', 'raj', 'kim'];
        }),
    },
    { status: 'pending', approver: ['ada'] },
  ],
  [
    'benchmark reference edit',
    {
      author: 'ana',
      head: (f) =>
        f.edit(P.bench(B), (e) => {
          e.spec.preparator = 'kim/bc-stump';
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  [
    'operation benchmark compatibility test edit',
    {
      author: 'ana',
      head: (f) =>
        f.edit(P.bench(B), (e) => {
          (e.spec.compatibilityTest as Record<string, unknown>).metrics = { auc: 0.99 };
        }),
    },
    { status: 'fail', violation: 'policy.operation-locked' },
  ],
  [
    'benchmark deleted by its owner',
    { author: 'ana', head: (f) => f.delete(P.bench(B)) },
    { status: 'fail', violation: 'policy.delete-admin-only' },
  ],

  // ── associations ────────────────────────────────────────────────────────────────────────────────────
  [
    'model owner requests an association',
    { author: 'kim', head: stumpAssoc },
    { status: 'pending', approver: ['ana', 'raj'], code: 'approval.committee' },
  ],
  [
    "committee approves the model owner's request",
    { author: 'kim', head: stumpAssoc, reviews: ['raj'] },
    { status: 'pass' },
  ],
  [
    'stale approval after a new push',
    {
      author: 'kim',
      head: stumpAssoc,
      secondPush: (f) =>
        f.edit(P.model(B, 'kim/bc-stump'), (e) => {
          e.metadata.description = 'v2';
        }),
      reviews: [{ by: 'raj', on: 'first' }],
    },
    { status: 'pending', approver: ['ana', 'raj'] },
  ],
  [
    'committee requests a model association',
    { author: 'raj', head: stumpAssoc },
    { status: 'pending', approver: ['kim'], code: 'approval.model-owner' },
  ],
  [
    'initiator approves their own request',
    { author: 'raj', head: stumpAssoc, reviews: ['raj', 'ana'] },
    { status: 'pending', approver: ['kim'] },
  ],
  [
    "model owner approves the committee's request",
    { author: 'raj', head: stumpAssoc, reviews: ['kim'] },
    { status: 'pass' },
  ],
  [
    'same person on both sides',
    {
      author: 'ana',
      base: (f) => f.set(P.cube('ana/bc-extra'), cube('ana', 'bc-extra')),
      head: (f) => f.set(P.model(B, 'ana/bc-extra'), modelAssoc(B, 'ana/bc-extra')),
    },
    { status: 'pass' },
  ],
  [
    'auto-approval always',
    { author: 'kim', base: autoApproval('always'), head: stumpAssoc },
    { status: 'pass' },
  ],
  [
    'auto-approval allowlist with the owner',
    { author: 'kim', base: autoApproval('allowlist', ['kim']), head: stumpAssoc },
    { status: 'pass' },
  ],
  [
    'auto-approval allowlist without the owner',
    { author: 'kim', base: autoApproval('allowlist', ['lee']), head: stumpAssoc },
    { status: 'pending', approver: ['ana', 'raj'] },
  ],
  [
    'association to an unmerged benchmark',
    {
      author: 'kim',
      head: (f) =>
        f
          .set(P.bench('new-bench'), benchmark('new-bench', 'kim', ['kim']))
          .set(P.model('new-bench', 'kim/bc-stump'), modelAssoc('new-bench', 'kim/bc-stump')),
    },
    { status: 'fail', violation: 'policy.benchmark-not-merged' },
  ],
  [
    'association of an unmerged cube',
    {
      author: 'kim',
      head: (f) =>
        f
          .set(P.cube('kim/fresh'), cube('kim', 'fresh'))
          .set(P.model(B, 'kim/fresh'), modelAssoc(B, 'kim/fresh')),
    },
    { status: 'fail', violation: 'policy.model-not-merged' },
  ],
  [
    'association of a development cube',
    { author: 'lee', head: (f) => f.set(P.model(B, 'lee/dev-cube'), modelAssoc(B, 'lee/dev-cube')) },
    { status: 'fail', violation: 'policy.model-not-operation' },
  ],
  [
    'outsider requests an association',
    { author: 'lee', head: stumpAssoc },
    { status: 'fail', violation: 'policy.not-party' },
  ],
  [
    'model owner sets priority',
    { author: 'kim', head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump', 5)) },
    { status: 'fail', violation: 'policy.priority-committee-only' },
  ],
  [
    'committee changes priority',
    {
      author: 'raj',
      head: (f) =>
        f.edit(P.model(B, 'lee/bc-centroid'), (e) => {
          e.spec.priority = 3;
        }),
    },
    { status: 'pass' },
  ],
  [
    'model owner changes priority',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.model(B, 'lee/bc-centroid'), (e) => {
          e.spec.priority = 3;
        }),
    },
    { status: 'fail', violation: 'policy.priority-committee-only' },
  ],
  [
    'association model reference edit',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.model(B, 'lee/bc-centroid'), (e) => {
          e.spec.model = 'kim/bc-stump';
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  [
    'model owner revokes own association',
    {
      author: 'kim',
      base: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump')),
      head: (f) => f.delete(P.model(B, 'kim/bc-stump')),
    },
    { status: 'pass' },
  ],
  [
    'committee revokes a dataset association',
    { author: 'raj', head: (f) => f.delete(P.dsAssoc(B, 'hospital-b/wdbc-b')) },
    { status: 'pass' },
  ],
  [
    'data owner revokes own dataset association',
    { author: 'hospital-b', head: (f) => f.delete(P.dsAssoc(B, 'hospital-b/wdbc-b')) },
    { status: 'pass' },
  ],
  [
    'revoking an association that already has results',
    { author: 'lee', head: (f) => f.delete(P.model(B, 'lee/bc-centroid')) },
    { status: 'fail', violation: 'ref.not-associated' },
  ],
  [
    'outsider revokes an association',
    { author: 'kim', head: (f) => f.delete(P.model(B, 'lee/bc-centroid')) },
    { status: 'fail', violation: 'policy.not-party' },
  ],
  [
    'data owner requests a dataset association',
    {
      author: 'hospital-c',
      head: (f) => f.set(P.dsAssoc(B, 'hospital-c/wdbc-c'), datasetAssoc(B, 'hospital-c/wdbc-c')),
    },
    { status: 'pending', approver: ['ana', 'raj'], code: 'approval.committee' },
  ],
  [
    'committee requests a dataset association',
    {
      author: 'raj',
      head: (f) => f.set(P.dsAssoc(B, 'hospital-c/wdbc-c'), datasetAssoc(B, 'hospital-c/wdbc-c')),
    },
    { status: 'pending', approver: ['hospital-c'], code: 'approval.dataset-owner' },
  ],
  [
    'dataset auto-approval always',
    {
      author: 'hospital-c',
      base: (f) =>
        f.edit(P.bench(B), (b) => {
          (b.spec as { policy: Record<string, unknown> }).policy.datasetAutoApproval = { mode: 'always' };
        }),
      head: (f) => f.set(P.dsAssoc(B, 'hospital-c/wdbc-c'), datasetAssoc(B, 'hospital-c/wdbc-c')),
    },
    { status: 'pass' },
  ],
  [
    'committee requests with a priority',
    { author: 'raj', head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump', 5)) },
    { status: 'pending', approver: ['kim'] },
  ],
  [
    'model owner re-runs the compatibility test',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.model(B, 'lee/bc-centroid'), (e) => {
          (e.spec.compatibilityTest as Record<string, unknown>).metrics = { auc: 0.7 };
        }),
    },
    { status: 'pending', approver: ['ana', 'raj'], code: 'approval.committee' },
  ],
  [
    'sole admin submits a benchmark for its owner',
    {
      author: 'ada',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana', 'raj'])),
    },
    { status: 'pass' },
  ],
  [
    'dataset prepared by another preparator',
    {
      author: 'hospital-c',
      head: (f) => f.set(P.dsAssoc(B, 'hospital-c/other-prep'), datasetAssoc(B, 'hospital-c/other-prep')),
    },
    { status: 'fail', violation: 'ref.preparator-mismatch' },
  ],
  [
    'association of a development dataset',
    {
      author: 'hospital-b',
      head: (f) => f.set(P.dsAssoc(B, 'hospital-b/dev-ds'), datasetAssoc(B, 'hospital-b/dev-ds')),
    },
    { status: 'fail', violation: 'policy.dataset-not-operation' },
  ],
  [
    'changes requested by a committee member',
    { author: 'kim', head: stumpAssoc, reviews: ['raj', { by: 'ana', state: 'CHANGES_REQUESTED' }] },
    { status: 'pending', approver: ['ana', 'raj'] },
  ],
  [
    'changes requested, then approved',
    { author: 'kim', head: stumpAssoc, reviews: [{ by: 'ana', state: 'CHANGES_REQUESTED' }, 'ana'] },
    { status: 'pass' },
  ],
  [
    'approval followed by a comment still counts',
    { author: 'kim', head: stumpAssoc, reviews: ['ana', { by: 'ana', state: 'COMMENTED' }] },
    { status: 'pass' },
  ],
  [
    'dismissed approval',
    { author: 'kim', head: stumpAssoc, reviews: ['ana', { by: 'ana', state: 'DISMISSED' }] },
    { status: 'pending', approver: ['ana', 'raj'] },
  ],

  // ── results ─────────────────────────────────────────────────────────────────────────────────────────
  [
    'data owner submits a reference-model result',
    {
      author: 'hospital-a',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
          result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
        ),
    },
    { status: 'pass' },
  ],
  [
    "data owner submits an associated model's result",
    {
      author: 'hospital-b',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'),
          result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'),
        ),
    },
    { status: 'pass' },
  ],
  [
    'result without model association',
    {
      author: 'hospital-b',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-b/wdbc-b', 'kim/bc-stump'),
          result(B, 'hospital-b/wdbc-b', 'kim/bc-stump'),
        ),
    },
    { status: 'fail', violation: 'ref.not-associated' },
  ],
  [
    'result without dataset association',
    {
      author: 'hospital-c',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
          result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
        ),
    },
    { status: 'fail', violation: 'ref.not-associated' },
  ],
  [
    'result submitted by the model owner',
    {
      author: 'lee',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'),
          result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'),
        ),
    },
    { status: 'fail', violation: 'policy.result-not-data-owner' },
  ],
  [
    'bot result without consent',
    {
      author: 'gitperf-bot',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
          result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
        ),
    },
    { status: 'pending', approver: ['hospital-a'], code: 'approval.data-owner' },
  ],
  [
    'bot result approved by the data owner',
    {
      author: 'gitperf-bot',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
          result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
        ),
      reviews: ['hospital-a'],
    },
    { status: 'pass' },
  ],
  [
    'bot result approved by someone else',
    {
      author: 'gitperf-bot',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
          result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
        ),
      reviews: ['ana', 'ada'],
    },
    { status: 'pending', approver: ['hospital-a'] },
  ],
  [
    'bot result for a dataset no runner serves',
    {
      author: 'gitperf-bot',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-c/wdbc-c', 'ana/bc-logreg'),
          result(B, 'hospital-c/wdbc-c', 'ana/bc-logreg'),
        ),
    },
    { status: 'fail', violation: 'policy.bot-no-runner' },
  ],
  [
    'bot result naming its runner',
    {
      author: 'gitperf-bot',
      head: (f) => f.set(P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'), botResult('hospital-a/runner-a')),
    },
    { status: 'pending', approver: ['hospital-a'], code: 'approval.data-owner' },
  ],
  [
    'bot result naming a runner that does not serve the dataset',
    {
      author: 'gitperf-bot',
      head: (f) => f.set(P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'), botResult('hospital-b/runner-b')),
    },
    { status: 'fail', violation: 'policy.bot-no-runner' },
  ],
  [
    'result model changed',
    {
      author: 'hospital-a',
      head: (f) =>
        f.edit(P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid'), (e) => {
          e.spec.model = 'kim/bc-stump';
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  [
    'result metrics re-submitted by the data owner',
    {
      author: 'hospital-a',
      head: (f) =>
        f.edit(P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid'), (e) => {
          e.spec.metrics = { auc: Number.NaN };
        }),
    },
    { status: 'pass' },
  ],
  [
    'data owner withdraws a result',
    { author: 'hospital-a', head: (f) => f.delete(P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid')) },
    { status: 'pass' },
  ],
  [
    'admin removes a result (moderation) with a second admin',
    {
      author: 'ada',
      base: twoAdmins,
      head: (f) => f.delete(P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid')),
    },
    { status: 'pending', approver: ['ben'], code: 'approval.admin' },
  ],
  [
    'sole admin revokes a dataset association (moderation)',
    { author: 'ada', head: (f) => f.delete(P.dsAssoc(B, 'hospital-b/wdbc-b')) },
    { status: 'pass' },
  ],
  [
    'model owner deletes a result',
    { author: 'lee', head: (f) => f.delete(P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid')) },
    { status: 'fail', violation: 'policy.not-owner' },
  ],

  // ── mixed and odd pull requests ─────────────────────────────────────────────────────────────────────
  [
    'self-service plus a workflow change',
    {
      author: 'lee',
      head: (f) =>
        f.set(P.cube('lee/new-cube'), cube('lee', 'new-cube')).set('.github/workflows/ci.yml', 'x: 1\n'),
    },
    { status: 'pending', approver: ['ada'] },
  ],
  [
    "own cube plus someone else's",
    {
      author: 'lee',
      head: (f) =>
        f.set(P.cube('lee/new-cube'), cube('lee', 'new-cube')).set(P.cube('kim/x'), cube('kim', 'x')),
      reviews: ['ada'],
    },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  ['empty pull request', { author: 'lee', head: () => {} }, { status: 'pass' }],
  [
    'broken YAML',
    { author: 'lee', head: (f) => f.set(P.cube('lee/new-cube'), 'kind: MLCube\nmetadata: [unclosed\n') },
    { status: 'fail', violation: 'yaml.syntax' },
  ],
];

function check(d: EvaluatedDecision, want: Expect): void {
  const seen = {
    status: d.status,
    violations: d.violations.map((v) => v.code),
    required: d.required.map((r) => [r.code, r.who]),
  };
  expect(d.status, JSON.stringify(seen)).toBe(want.status);
  if (want.status === 'pass') {
    expect(d.violations).toEqual([]);
    expect(d.required).toEqual([]);
  } else if (want.status === 'fail') {
    expect(
      d.violations.map((v) => v.code),
      JSON.stringify(seen),
    ).toContain(want.violation);
    for (const v of d.violations) expect(v.message.length).toBeGreaterThan(20);
  } else {
    expect(d.violations).toEqual([]);
    const match = d.required.find((r) => JSON.stringify(r.who) === JSON.stringify(want.approver));
    expect(match, JSON.stringify(seen)).toBeDefined();
    if (want.code) expect(match?.code).toBe(want.code);
    expect(match?.why).toContain(
      want.approver.map((a) => `@${a}`).join(want.approver.length === 2 ? ' or ' : ', '),
    );
  }
}

describe('policy scenarios (real git repositories)', () => {
  afterAll(cleanupTemplates);
  it('has at least 50 cases', () => expect(cases.length).toBeGreaterThanOrEqual(50));
  for (const [name, spec, want] of cases) {
    it.concurrent(`${name} → ${want.status}${'violation' in want ? ` ${want.violation}` : ''}`, async () => {
      check(await runScenario(spec), want);
    });
  }
});

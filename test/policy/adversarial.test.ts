/**
 * Attacks on the policy: pull requests built to `pass` when they should not. Each case is a real git
 * repository evaluated as CI does; each asserts the status the rules demand (and why).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { type EvaluatedDecision, evaluatePolicy } from '../../cli/src/policy/index.js';
import {
  benchmark,
  cube,
  datasetAssoc,
  demoRegistry,
  type Entity,
  modelAssoc,
  P,
  render,
  result,
  runner,
  user,
} from './helpers/registry.js';
import {
  buildRepo,
  cleanupTemplates,
  runScenario,
  type ScenarioSpec,
  toReviews,
} from './helpers/scenario.js';

const LONG_LOGIN = `hospital-${'x'.repeat(35)}1`; // 45 characters

const B = 'bc-diagnosis';

type Want =
  | { status: 'pass' }
  | { status: 'fail'; violation: string }
  | { status: 'pending'; approvers: string[][] };

function check(d: EvaluatedDecision, want: Want): void {
  const seen = JSON.stringify({
    status: d.status,
    violations: d.violations.map((v) => v.code),
    required: d.required.map((r) => [r.code, r.who]),
  });
  expect(d.status, seen).toBe(want.status);
  if (want.status === 'fail')
    expect(
      d.violations.map((v) => v.code),
      seen,
    ).toContain(want.violation);
  if (want.status === 'pending') {
    expect(d.violations, seen).toEqual([]);
    expect(d.required.map((r) => r.who).sort(), seen).toEqual([...want.approvers].sort());
  }
  if (want.status === 'pass') expect(d.required, seen).toEqual([]);
}

/** The merged lee/bc-centroid file as committed, to be tampered with as text. */
const centroid = (): string => render(demoRegistry().get(P.cube('lee/bc-centroid')) as Entity);
const sha = (t: string) => (t.match(/sha256: (sha256:[0-9a-f]{64})/) ?? [])[1] ?? '';
const NEW = `sha256:${'e'.repeat(64)}`;

const cases: Array<[string, ScenarioSpec, Want]> = [
  // ── path tricks ──────────────────────────────────────────────────────────────────────────────────────
  [
    'upper-case owner folder (Lee) is not lee’s self-service folder',
    { author: 'lee', head: (f) => f.set('registry/mlcubes/Lee/x.yaml', cube('lee', 'x')) },
    { status: 'fail', violation: 'layout.upper-case' },
  ],
  [
    'Cyrillic look-alike owner folder is not self-service',
    { author: 'lee', head: (f) => f.set('registry/mlcubes/l\u0435e/x.yaml', cube('lee', 'x')) },
    { status: 'fail', violation: 'layout.unknown-path' },
  ],
  [
    'nested folder under own folder is not an entity',
    { author: 'lee', head: (f) => f.set('registry/mlcubes/lee/sub/x.yaml', cube('lee', 'x')) },
    { status: 'fail', violation: 'layout.unknown-path' },
  ],
  [
    '.yml instead of .yaml is not an entity',
    { author: 'lee', head: (f) => f.set('registry/mlcubes/lee/x.yml', cube('lee', 'x')) },
    { status: 'fail', violation: 'layout.unknown-path' },
  ],
  [
    'a workflow added by a user needs the admin',
    { author: 'lee', head: (f) => f.set('.github/workflows/evil.yml', 'on: push\n') },
    { status: 'pending', approvers: [['ada']] },
  ],
  [
    'a schema edit by a user needs the admin',
    { author: 'lee', head: (f) => f.set('schemas/user.schema.json', '{"type":"object"}\n') },
    { status: 'pending', approvers: [['ada']] },
  ],
  [
    'a CODEOWNERS edit by a user needs the admin',
    { author: 'lee', head: (f) => f.set('.github/CODEOWNERS', '* @lee\n') },
    { status: 'pending', approvers: [['ada']] },
  ],
  [
    'a README beside a benchmark needs the admin',
    { author: 'ana', head: (f) => f.set(`registry/benchmarks/${B}/README.md`, 'hi\n') },
    { status: 'fail', violation: 'layout.unknown-path' },
  ],
  [
    'rename of own operation cube (delete + add) is an admin-only delete',
    {
      author: 'lee',
      head: (f) => {
        const c = f.get(P.cube('lee/bc-centroid'));
        f.delete(P.cube('lee/bc-centroid'));
        f.set(P.cube('lee/bc-centroid2'), {
          ...c,
          metadata: { ...(c.metadata as object), name: 'bc-centroid2' },
        });
      },
    },
    { status: 'fail', violation: 'policy.delete-admin-only' },
  ],
  [
    "moving lee's cube into kim's folder, authored by lee",
    {
      author: 'lee',
      head: (f) => {
        f.delete(P.cube('lee/bc-centroid'));
        f.set(P.cube('kim/bc-centroid'), cube('kim', 'bc-centroid'));
      },
    },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    "moving lee's cube into kim's folder, authored by kim",
    {
      author: 'kim',
      head: (f) => {
        f.delete(P.cube('lee/bc-centroid'));
        f.set(P.cube('kim/bc-centroid'), cube('kim', 'bc-centroid'));
      },
    },
    { status: 'fail', violation: 'policy.delete-admin-only' },
  ],
  [
    'delete and re-add in one pull request with a new hash is a frozen edit',
    {
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          (e.spec as { manifest: { sha256: string } }).manifest.sha256 = `sha256:${'e'.repeat(64)}`;
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  // ── YAML quirks on frozen fields ─────────────────────────────────────────────────────────────────────
  [
    'frozen hash behind an alias used before its anchor (no crash)',
    {
      author: 'lee',
      head: (f) =>
        f.set(P.cube('lee/bc-centroid'), `${centroid().replace(sha(centroid()), '*h')}x-pad: &h ${NEW}\n`),
    },
    { status: 'fail', violation: 'yaml.alias' },
  ],
  [
    'frozen hash hidden behind an anchor and alias',
    {
      author: 'lee',
      head: (f) =>
        f.set(P.cube('lee/bc-centroid'), `x-pad: &h ${NEW}\n${centroid().replace(sha(centroid()), '*h')}`),
    },
    // The policy reads files as the registry does, which refuses aliases outright.
    { status: 'fail', violation: 'yaml.alias' },
  ],
  [
    'frozen hash overridden by a merge key',
    {
      author: 'lee',
      head: (f) =>
        f.set(
          P.cube('lee/bc-centroid'),
          centroid().replace('  manifest:\n', `  manifest:\n    <<: {sha256: "${NEW}"}\n`),
        ),
    },
    { status: 'fail', violation: 'yaml.merge-key' },
  ],
  [
    'frozen hash under a YAML 1.1 directive',
    {
      author: 'lee',
      head: (f) => f.set(P.cube('lee/bc-centroid'), `%YAML 1.1\n---\n${centroid()}`),
    },
    { status: 'pass' },
  ],
  [
    'a %YAML 1.1 directive reading 01411 as 777 to hide a priority change from the policy',
    {
      author: 'lee',
      base: (f) => f.set(P.model(B, 'lee/bc-centroid'), modelAssoc(B, 'lee/bc-centroid', 777)),
      head: (f) =>
        f.set(
          P.model(B, 'lee/bc-centroid'),
          `%YAML 1.1\n---\n${render(modelAssoc(B, 'lee/bc-centroid', 777))
            .replace('priority: 777', 'priority: 01411')
            // Quoted, so YAML 1.1 does not read the timestamps as dates (which would show as a change).
            .replace(/: (\d{4}-\d\d-\d\dT[^\n]*)/g, ': "$1"')}`,
        ),
    },
    { status: 'fail', violation: 'policy.priority-committee-only' },
  ],
  [
    'a %YAML 1.1 directive reading yes as true (the loader reads the string "yes")',
    {
      author: 'lee',
      head: (f) =>
        f.set(
          P.cube('lee/bc-centroid'),
          `%YAML 1.1\n---\n${centroid().replace('valid: true', 'valid: yes')}`,
        ),
    },
    { status: 'fail', violation: 'schema.type' },
  ],
  [
    'duplicate key: a second sha256 after the original',
    {
      author: 'lee',
      head: (f) =>
        f.set(
          P.cube('lee/bc-centroid'),
          centroid().replace(`sha256: ${sha(centroid())}`, `sha256: ${sha(centroid())}\n    sha256: ${NEW}`),
        ),
    },
    { status: 'fail', violation: 'yaml.duplicate-key' },
  ],
  [
    'an operation cube emptied to nothing',
    { author: 'lee', head: (f) => f.set(P.cube('lee/bc-centroid'), '') },
    { status: 'fail', violation: 'yaml.not-a-mapping' },
  ],
  [
    'an operation cube replaced by a YAML list',
    { author: 'lee', head: (f) => f.set(P.cube('lee/bc-centroid'), '- a\n- b\n') },
    { status: 'fail', violation: 'yaml.not-a-mapping' },
  ],
  // ── identity tricks ──────────────────────────────────────────────────────────────────────────────────
  [
    // Regression: the policy's own path grammar stopped logins at 39 characters (GitHub's limit) while
    // the registry allows 63, so such an owner's files were "Other" to the policy and escaped the owner rule.
    'a 45-character login’s MLCube is subject to the owner rule',
    {
      author: 'lee',
      base: (f) =>
        f.set(P.user(LONG_LOGIN), user(LONG_LOGIN)).set(P.cube(`${LONG_LOGIN}/seg`), cube(LONG_LOGIN, 'seg')),
      head: (f) =>
        f.edit(P.cube(`${LONG_LOGIN}/seg`), (e) => {
          e.metadata.description = 'taken over';
        }),
    },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'author login in upper case cannot act in another folder',
    { author: 'KIM', head: (f) => f.set(P.cube('lee/y'), cube('lee', 'y')) },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'metadata.owner in upper case does not match the folder',
    { author: 'lee', head: (f) => f.set(P.cube('lee/y'), cube('Lee', 'y')) },
    { status: 'fail', violation: 'schema.pattern' },
  ],
  [
    'bot adding a runner',
    {
      author: 'gitperf-bot',
      head: (f) => f.set(P.runner('hospital-a/r2'), runner('hospital-a', 'r2', ['hospital-a/wdbc-a'])),
    },
    { status: 'fail', violation: 'policy.bot-scope' },
  ],
  [
    'bot (upper case) withdrawing a result',
    {
      author: 'GitPerf-Bot',
      head: (f) => f.delete(P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid')),
    },
    { status: 'fail', violation: 'policy.not-owner' },
  ],
  [
    'bot result with the data owner approving an older push only',
    {
      author: 'gitperf-bot',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
          result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
        ),
      secondPush: (f) =>
        f.edit(P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'), (e) => {
          (e.spec as { metrics: Record<string, number> }).metrics.auc = 0.99;
        }),
      reviews: [{ by: 'hospital-a', on: 'first' }],
    },
    { status: 'pending', approvers: [['hospital-a']] },
  ],
  [
    'approval then a later CHANGES_REQUESTED from the same reviewer',
    {
      author: 'kim',
      head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump')),
      reviews: ['raj', { by: 'raj', state: 'CHANGES_REQUESTED' }],
    },
    { status: 'pending', approvers: [['ana', 'raj']] },
  ],
  [
    'one committee member approves, the other requests changes',
    {
      author: 'kim',
      head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump')),
      reviews: ['raj', { by: 'ana', state: 'CHANGES_REQUESTED' }],
    },
    { status: 'pending', approvers: [['ana', 'raj']] },
  ],
  [
    'a later COMMENTED review does not cancel a CHANGES_REQUESTED',
    {
      author: 'kim',
      head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump')),
      reviews: [
        { by: 'raj', state: 'CHANGES_REQUESTED' },
        { by: 'raj', state: 'COMMENTED' },
      ],
    },
    { status: 'pending', approvers: [['ana', 'raj']] },
  ],
  [
    'the initiating model owner approving their own request',
    {
      author: 'kim',
      head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump')),
      reviews: ['kim', 'KIM'],
    },
    { status: 'pending', approvers: [['ana', 'raj']] },
  ],
  [
    'the initiating committee member approving as the model owner',
    {
      author: 'raj',
      head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump')),
      reviews: ['raj', 'ana'],
    },
    { status: 'pending', approvers: [['kim']] },
  ],
  [
    'a committee member who owns the model initiates: no other side',
    {
      author: 'ana',
      head: (f) => f.set(P.model(B, 'ana/bc-metrics'), modelAssoc(B, 'ana/bc-metrics')),
    },
    { status: 'pass' },
  ],
  [
    'another committee member initiates for a committee member’s model: the owner approves',
    {
      author: 'raj',
      head: (f) => f.set(P.model(B, 'ana/bc-metrics'), modelAssoc(B, 'ana/bc-metrics')),
      reviews: ['ana'],
    },
    { status: 'pass' },
  ],
  [
    'promoting oneself to admin and deleting another user’s cube in the same pull request',
    {
      author: 'lee',
      head: (f) => {
        f.set(P.user('lee'), user('lee', true));
        f.delete(P.cube('kim/bc-stump'));
      },
      reviews: ['ada'],
    },
    { status: 'fail', violation: 'policy.delete-admin-only' },
  ],
  [
    'a bot result naming another owner’s runner that lists the dataset',
    {
      author: 'gitperf-bot',
      base: (f) => f.set(P.runner('kim/fake'), runner('kim', 'fake', ['hospital-a/wdbc-a'])),
      head: (f) => {
        const r = result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg') as {
          spec: { execution: Record<string, unknown> };
        };
        r.spec.execution.runnerRef = 'kim/fake';
        f.set(P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'), r);
      },
      reviews: ['kim'],
    },
    { status: 'fail', violation: 'policy.bot-no-runner' },
  ],
  [
    'a result authored by the model owner instead of the data owner',
    {
      author: 'lee',
      head: (f) =>
        f.set(
          P.result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'),
          result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'),
        ),
      reviews: ['hospital-b'],
    },
    { status: 'fail', violation: 'policy.result-not-data-owner' },
  ],
  [
    'editing a merged result’s model reference',
    {
      author: 'hospital-a',
      head: (f) =>
        f.edit(P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid'), (r) => {
          r.spec.model = 'ana/bc-logreg';
        }),
    },
    { status: 'fail', violation: 'policy.frozen-field' },
  ],
  // ── mixing ───────────────────────────────────────────────────────────────────────────────────────────
  [
    'own cube plus a benchmark description edit',
    {
      author: 'lee',
      head: (f) => {
        f.set(P.cube('lee/new'), cube('lee', 'new'));
        f.edit(P.bench(B), (b) => {
          b.metadata.description = 'mine now';
        });
      },
    },
    { status: 'pending', approvers: [['ana', 'raj']] },
  ],
  [
    'own cube plus a workflow edit',
    {
      author: 'lee',
      head: (f) => {
        f.set(P.cube('lee/new'), cube('lee', 'new'));
        f.set('.github/workflows/ci.yml', 'on: push\n');
      },
    },
    { status: 'pending', approvers: [['ada']] },
  ],
  [
    'own cube plus a self-registration as a bot',
    {
      author: 'lee',
      head: (f) => {
        f.set(P.cube('lee/new'), cube('lee', 'new'));
        f.edit('registry/registry.yaml', (r) => {
          r.spec.bots = ['gitperf-bot', 'lee'];
        });
      },
    },
    { status: 'pending', approvers: [['ada']] },
  ],
  [
    'an unregistered author registering themselves in the same pull request',
    {
      author: 'mallory',
      head: (f) => {
        f.set(P.user('mallory'), user('mallory'));
        f.set(P.cube('mallory/x'), cube('mallory', 'x'));
      },
    },
    { status: 'fail', violation: 'policy.author-unregistered' },
  ],
  // ── same-PR prerequisites ────────────────────────────────────────────────────────────────────────────
  [
    'a result for a dataset association added in the same pull request',
    {
      author: 'hospital-c',
      head: (f) => {
        f.set(P.dsAssoc(B, 'hospital-c/wdbc-c'), datasetAssoc(B, 'hospital-c/wdbc-c'));
        f.set(
          P.result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
          result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
        );
      },
      reviews: ['ana'],
    },
    { status: 'fail', violation: 'policy.association-not-merged' },
  ],
  [
    'a result for a model association added in the same pull request',
    {
      author: 'hospital-a',
      head: (f) => {
        f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump'));
        f.set(
          P.result(B, 'hospital-a/wdbc-a', 'kim/bc-stump'),
          result(B, 'hospital-a/wdbc-a', 'kim/bc-stump'),
        );
      },
    },
    { status: 'fail', violation: 'policy.association-not-merged' },
  ],
  [
    'a bot result plus a runner edit to serve it',
    {
      author: 'gitperf-bot',
      head: (f) => {
        f.edit(P.runner('hospital-a/runner-a'), (r) => {
          r.spec.datasets = [];
        });
        f.set(
          P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
          result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'),
        );
      },
      reviews: ['hospital-a'],
    },
    { status: 'fail', violation: 'policy.bot-scope' },
  ],
  [
    'an association to a cube put in operation in the same pull request',
    {
      author: 'lee',
      head: (f) => {
        f.edit(P.cube('lee/dev-cube'), (c) => {
          c.spec.state = 'operation';
        });
        f.set(P.model(B, 'lee/dev-cube'), modelAssoc(B, 'lee/dev-cube'));
      },
      reviews: ['ana'],
    },
    { status: 'fail', violation: 'policy.model-not-operation' },
  ],
  [
    'joining the committee and approving as the new committee in the same pull request',
    {
      author: 'kim',
      head: (f) => {
        f.edit(P.bench(B), (b) => {
          b.spec.committee = ['ana', 'raj', 'kim'];
        });
        f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump'));
      },
      reviews: ['ada'],
    },
    { status: 'pending', approvers: [['ana', 'raj']] },
  ],
  [
    'a committee member changing the committee alone needs the admin',
    {
      author: 'raj',
      head: (f) =>
        f.edit(P.bench(B), (b) => {
          b.spec.committee = ['raj', 'lee'];
        }),
      reviews: ['lee'],
    },
    { status: 'pending', approvers: [['ada']] },
  ],
  [
    'turning on auto-approval and requesting an association in the same pull request',
    {
      author: 'kim',
      head: (f) => {
        f.edit(P.bench(B), (b) => {
          (b.spec as { policy: Record<string, unknown> }).policy.modelAutoApproval = { mode: 'always' };
        });
        f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump'));
      },
    },
    {
      status: 'pending',
      approvers: [
        ['ana', 'raj'],
        ['ana', 'raj'],
      ],
    },
  ],
  [
    'a benchmark and its association in the same pull request',
    {
      author: 'ada',
      head: (f) => {
        f.set(P.bench('new-b'), benchmark('new-b', 'ada', ['ada']));
        f.set(P.model('new-b', 'ana/bc-metrics'), modelAssoc('new-b', 'ana/bc-metrics'));
      },
    },
    { status: 'fail', violation: 'policy.not-party' },
  ],
  // ── forged provenance (issue 11): each mismatch is its own violation ─────────────────────────────────
  ...forgedResults(),
];

/** A data owner's own result with one provenance field forged; the policy refuses each by the validator. */
function forgedResults(): Array<[string, ScenarioSpec, Want]> {
  type Execution = {
    cubes: { role: string; ref: string; hashes: Record<string, string> }[];
    dataset: { generatedUid: string };
  };
  const forged = (
    name: string,
    violation: string,
    edit: (execution: Execution) => void,
  ): [string, ScenarioSpec, Want] => [
    `result with ${name}`,
    {
      author: 'hospital-a',
      head: (f) => {
        const r = result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg') as { spec: { execution: Execution } };
        edit(r.spec.execution);
        f.set(P.result(B, 'hospital-a/wdbc-a', 'ana/bc-logreg'), r as unknown as Entity);
      },
    },
    { status: 'fail', violation },
  ];
  const otherUid = (demoRegistry().get(P.dataset('hospital-b/wdbc-b')) as { spec: { generatedUid: string } })
    .spec.generatedUid;
  const zero = `sha256:${'0'.repeat(64)}`;
  return [
    forged("another hospital's generatedUid", 'result.dataset-mismatch', (e) => {
      e.dataset.generatedUid = otherUid;
    }),
    forged('another model in its cube list', 'result.cube-mismatch', (e) => {
      e.cubes[1].ref = 'lee/bc-centroid';
    }),
    forged('all-zero cube hashes', 'result.cube-hash-mismatch', (e) => {
      for (const c of e.cubes) for (const k of Object.keys(c.hashes)) c.hashes[k] = zero;
    }),
    forged('no metrics cube in its cube list', 'result.cube-missing', (e) => {
      e.cubes.pop();
    }),
    forged("the issue's whole attack at once", 'result.cube-hash-mismatch', (e) => {
      e.dataset.generatedUid = otherUid;
      e.cubes[1].ref = 'lee/bc-centroid';
      for (const c of e.cubes) for (const k of Object.keys(c.hashes)) c.hashes[k] = zero;
    }),
  ];
}

describe('policy attacks (real git repositories)', () => {
  afterAll(cleanupTemplates);
  for (const [name, spec, want] of cases) {
    it.concurrent(`${name} → ${want.status}`, async () => {
      check(await runScenario(spec), want);
    });
  }
});

/** Builds the default base, then lets `mutate` shape the pull request with raw git (symlinks, modes, branches). */
async function rawScenario(
  mutate: (dir: string, git: ReturnType<typeof simpleGit>) => Promise<{ base: string; head: string }>,
  author: string,
  validate = true,
): Promise<EvaluatedDecision> {
  const built = await buildRepo({ head: () => {} });
  try {
    const git = simpleGit(built.dir);
    const { base, head } = await mutate(built.dir, git);
    return await evaluatePolicy({
      repoDir: built.dir,
      baseRef: base,
      headRef: head,
      author,
      reviews: toReviews([], built),
      validate,
    });
  } finally {
    built.cleanup();
  }
}

async function commit(git: ReturnType<typeof simpleGit>, msg: string): Promise<string> {
  await git.add(['-A']);
  await git.commit(msg, ['--quiet']);
  return (await git.revparse(['HEAD'])).trim();
}

describe('policy attacks with raw git objects', () => {
  it.concurrent('a committed symlink in own folder aliasing another user’s cube fails', async () => {
    const d = await rawScenario(async (dir, git) => {
      const base = (await git.revparse(['HEAD'])).trim();
      symlinkSync('../kim/bc-stump.yaml', join(dir, 'registry/mlcubes/lee/alias.yaml'));
      return { base, head: await commit(git, 'symlink') };
    }, 'lee');
    check(d, { status: 'fail', violation: 'file.symlink' });
  });

  it.concurrent('an operation cube replaced by a symlink to a cube with another hash fails', async () => {
    const d = await rawScenario(async (dir, git) => {
      const base = (await git.revparse(['HEAD'])).trim();
      const other = cube('lee', 'bc-centroid');
      (other.spec as { manifest: { sha256: string } }).manifest.sha256 = `sha256:${'e'.repeat(64)}`;
      writeFileSync(join(dir, 'registry/mlcubes/lee/evil.yaml'), render(other));
      rmSync(join(dir, P.cube('lee/bc-centroid')));
      symlinkSync('evil.yaml', join(dir, P.cube('lee/bc-centroid')));
      return { base, head: await commit(git, 'swap') };
    }, 'lee');
    check(d, { status: 'fail', violation: 'policy.not-a-file' });
  });

  it.concurrent('without the validator, the rules alone refuse a symlink and an alias before its anchor', async () => {
    const d = await rawScenario(
      async (dir, git) => {
        const base = (await git.revparse(['HEAD'])).trim();
        symlinkSync('../kim/bc-stump.yaml', join(dir, 'registry/mlcubes/lee/alias.yaml'));
        const text = centroid();
        writeFileSync(join(dir, P.cube('lee/bc-centroid')), `${text.replace(sha(text), '*h')}x: &h ${NEW}\n`);
        return { base, head: await commit(git, 'symlink and alias') };
      },
      'lee',
      false,
    );
    expect(d.status).toBe('fail');
    expect(d.violations.map((v) => [v.code, v.file])).toEqual([
      ['policy.not-a-file', 'registry/mlcubes/lee/alias.yaml'],
      ['yaml.alias', P.cube('lee/bc-centroid')],
      ['yaml.anchor', P.cube('lee/bc-centroid')],
    ]);
  });

  it.concurrent('a symlinked folder outside registry/ needs the admin', async () => {
    const d = await rawScenario(async (dir, git) => {
      const base = (await git.revparse(['HEAD'])).trim();
      symlinkSync('../registry', join(dir, '.github/linked'));
      return { base, head: await commit(git, 'link') };
    }, 'lee');
    check(d, { status: 'pending', approvers: [['ada']] });
  });

  it.concurrent('a branch from before the cube went into operation cannot change its locked fields', async () => {
    const d = await rawScenario(async (dir, git) => {
      const path = join(dir, P.cube('lee/dev-cube'));
      const mb = (await git.revparse(['HEAD'])).trim();
      // main moves on: the cube is put in operation (merged).
      const op = cube('lee', 'dev-cube', 'operation');
      const dev = cube('lee', 'dev-cube', 'development');
      // Same hashes as the base copy: only the state differs.
      const baseText = (await git.show([`${mb}:${P.cube('lee/dev-cube')}`])).toString();
      const [manifestSha = '', digest = ''] = baseText.match(/sha256:[0-9a-f]{64}/g) ?? [];
      const withBase = (e: typeof op) => {
        const s = e.spec as { manifest: { sha256: string }; image: { digest: string; reference: string } };
        s.manifest.sha256 = manifestSha;
        s.image.digest = digest;
        return e;
      };
      writeFileSync(path, render(withBase(op)));
      const base = await commit(git, 'dev-cube to operation');
      // The pull request branched before that, and changes the image reference.
      await git.checkout(['-q', '-b', 'pr', mb]);
      const edited = withBase(dev);
      (edited.spec as { image: { reference: string } }).image.reference = 'localhost/other:2';
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, render(edited));
      return { base, head: await commit(git, 'new image') };
    }, 'lee');
    check(d, { status: 'fail', violation: 'policy.operation-locked' });
  });
});

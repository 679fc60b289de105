import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ownedRef } from '../../cli/src/registry/kinds.js';
import { entityPath } from '../../cli/src/registry/layout.js';
import { RegistryBuilder } from '../helpers/registry-builder.js';

const H = (c: string) => `sha256:${c.repeat(64)}`;

const cubeUsage = (indent: string, refs: [string, string][]) =>
  refs
    .map(
      ([role, ref]) =>
        `${indent}- role: ${role}\n${indent}  ref: ${ref}\n${indent}  hashes:\n${indent}    manifest: ${H('a')}\n`,
    )
    .join('');

const compat = (source: string, model: string) => `  compatibilityTest:
    ranAt: 2026-11-20T10:00:00Z
    runner: podman
    gitperfVersion: 0.1.0
    dataset:
      source: ${source}
      generatedUid: ${H('b')}
    cubes:
${cubeUsage('      ', [
  ['preparator', 'ana/prep'],
  ['model', model],
  ['metrics', 'ana/metrics'],
])}    metrics:
      auc: 0.9
`;

const typed = new RegistryBuilder();
const user = (login: string, admin = false) =>
  typed
    .user(login, admin ? { roles: ['admin'], organization: 'Org' } : { organization: 'Org' })
    .registryFiles()[entityPath('User', login)];

const cube = (owner: string, name: string) =>
  typed
    .mlcube(owner, name, {
      manifest: { url: `cubes/${name}/mlcube.yaml`, sha256: H('c') },
      image: { reference: `localhost/${name}:1`, digest: H('d') },
    })
    .registryFiles()[entityPath('MLCube', ownedRef(owner, name))];

const result = (model: string) => {
  const [o, n] = model.split('/');
  return `apiVersion: gitperf/v1
kind: Result
metadata:
  name: ${o}.${n}
  owner: hosp
spec:
  benchmark: bench
  model: ${model}
  dataset: hosp/data
  metrics:
    auc: 0.9
    accuracy: .nan
  partial: false
  execution:
    runner: podman
    runnerRef: hosp/runner
    startedAt: 2026-11-23T10:00:00Z
    finishedAt: 2026-11-23T10:00:42Z
    gitperfVersion: 0.1.0
    cubes:
${cubeUsage('      ', [
  ['preparator', 'ana/prep'],
  ['model', model],
  ['metrics', 'ana/metrics'],
])}    dataset:
      generatedUid: ${H('e')}
`;
};

/**
 * A small valid registry whose files the broken-registry tests edit. Its text is fixed here
 * (not copied from registry/), so the expected line numbers in the tests stay true.
 */
export const FIXTURE: Record<string, string> = {
  [entityPath('Registry', 'registry')]:
    'apiVersion: gitperf/v1\nkind: Registry\nmetadata:\n  name: test\nspec:\n  bots:\n    - gitperf-bot\n',
  [entityPath('User', 'ada')]: user('ada', true),
  [entityPath('User', 'ana')]: user('ana'),
  [entityPath('User', 'lee')]: user('lee'),
  [entityPath('User', 'hosp')]: user('hosp'),
  [entityPath('MLCube', 'ana/prep')]: cube('ana', 'prep'),
  [entityPath('MLCube', 'ana/ref')]: cube('ana', 'ref'),
  [entityPath('MLCube', 'ana/metrics')]: cube('ana', 'metrics'),
  [entityPath('MLCube', 'lee/model')]: cube('lee', 'model'),
  [entityPath('Dataset', 'hosp/data')]: `apiVersion: gitperf/v1
kind: Dataset
metadata:
  name: data
  owner: hosp
spec:
  preparator: ana/prep
  inputDataHash: ${H('1')}
  generatedUid: ${H('2')}
  location: Hospital
  statistics:
    cases: 10
  state: operation
  submittedAsPrepared: false
  valid: true
`,
  [entityPath('Runner', 'hosp/runner')]: `apiVersion: gitperf/v1
kind: Runner
metadata:
  name: runner
  owner: hosp
spec:
  labels:
    - self-hosted
  datasets:
    - hosp/data
`,
  [entityPath('Benchmark', 'bench')]: `apiVersion: gitperf/v1
kind: Benchmark
metadata:
  name: bench
  owner: ana
spec:
  committee:
    - ana
  preparator: ana/prep
  referenceModel: ana/ref
  metrics: ana/metrics
  demoDataset:
    url: demo.tar.gz
    sha256: ${H('3')}
    generatedUid: ${H('4')}
${compat('demo', 'ana/ref')}  policy:
    modelAutoApproval:
      mode: never
    datasetAutoApproval:
      mode: allowlist
      allowlist:
        - hosp
    sharing: per-model
    primaryMetric: auc
    higherIsBetter: true
  state: operation
`,
  [entityPath('ModelAssociation', 'bench:lee/model')]: `apiVersion: gitperf/v1
kind: ModelAssociation
metadata:
  name: lee.model
spec:
  benchmark: bench
  model: lee/model
  priority: 1
${compat('demo', 'lee/model')}`,
  [entityPath('DatasetAssociation', 'bench:hosp/data')]: `apiVersion: gitperf/v1
kind: DatasetAssociation
metadata:
  name: hosp.data
  owner: hosp
spec:
  benchmark: bench
  dataset: hosp/data
${compat('prepared', 'ana/ref')}`,
  [entityPath('Result', 'bench:hosp/data:lee/model')]: result('lee/model'),
  [entityPath('Result', 'bench:hosp/data:ana/ref')]: result('ana/ref'),
};

/** A temp folder holding `registry/` with the fixture; `cleanup()` removes it. */
export function makeRegistry(): { root: string; dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'gitperf-reg-'));
  const dir = join(root, 'registry');
  for (const [rel, text] of Object.entries(FIXTURE)) put(dir, rel, text);
  return { root, dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function put(dir: string, rel: string, content: string | Uint8Array): void {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

/** Replaces exactly one occurrence of `from` in a file; fails loudly if the fixture changed. */
export function patch(dir: string, rel: string, from: string, to: string): void {
  const p = join(dir, rel);
  const text = readFileSync(p, 'utf8');
  const i = text.indexOf(from);
  if (i === -1 || text.indexOf(from, i + 1) !== -1)
    throw new Error(`${rel}: "${from}" must occur exactly once`);
  writeFileSync(p, text.slice(0, i) + to + text.slice(i + from.length));
}

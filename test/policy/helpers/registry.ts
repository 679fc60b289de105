/**
 * The demo consortium built programmatically: small entity builders and a default base registry, so a
 * scenario states only what it changes.
 */
import { stringify } from 'yaml';

export type Entity = Record<string, unknown>;
export type Files = Map<string, Entity | string>;

const HASH = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const usage = (role: string, ref: string) => ({ role, ref, hashes: { manifest: HASH(7) } });
const compat = () => ({
  ranAt: '2026-11-01T10:00:00Z',
  runner: 'podman',
  gitperfVersion: '0.1.0',
  dataset: { source: 'demo', generatedUid: HASH(9) },
  cubes: [usage('preparator', 'ana/bc-prep')],
  metrics: { auc: 0.9 },
});

export const user = (login: string, admin = false): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'User',
  metadata: { name: login },
  spec: admin ? { roles: ['admin'] } : { organization: 'demo' },
});

let seq = 100;
export const cube = (owner: string, name: string, state = 'operation'): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'MLCube',
  metadata: { name, owner, description: `${name} cube` },
  spec: {
    manifest: { url: `examples/cubes/${name}/mlcube.yaml`, sha256: HASH(seq++) },
    image: { reference: `localhost/${name}:1`, digest: HASH(seq++) },
    state,
    valid: true,
  },
});

export const dataset = (
  owner: string,
  name: string,
  preparator = 'ana/bc-prep',
  state = 'operation',
): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'Dataset',
  metadata: { name, owner },
  spec: {
    preparator,
    inputDataHash: HASH(seq++),
    generatedUid: HASH(seq++),
    location: 'Hospital',
    statistics: { rows: 100 },
    state,
    submittedAsPrepared: false,
    valid: true,
  },
});

export const runner = (owner: string, name: string, datasets: string[]): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'Runner',
  metadata: { name, owner },
  spec: { labels: [name], datasets },
});

export const benchmark = (name: string, owner: string, committee: string[], extra: Entity = {}): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'Benchmark',
  metadata: { name, owner, description: 'Breast cancer diagnosis' },
  spec: {
    committee,
    preparator: 'ana/bc-prep',
    referenceModel: 'ana/bc-logreg',
    metrics: 'ana/bc-metrics',
    demoDataset: { url: 'examples/data/demo/demo.tar.gz', sha256: HASH(1), generatedUid: HASH(2) },
    compatibilityTest: compat(),
    policy: {
      modelAutoApproval: { mode: 'never' },
      datasetAutoApproval: { mode: 'never' },
      sharing: 'per-model',
      primaryMetric: 'auc',
      higherIsBetter: true,
    },
    state: 'operation',
    ...extra,
  },
});

export const modelAssoc = (b: string, model: string, priority?: number): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'ModelAssociation',
  metadata: { name: model.replace('/', '.') },
  spec: { benchmark: b, model, ...(priority === undefined ? {} : { priority }), compatibilityTest: compat() },
});

export const datasetAssoc = (b: string, ds: string): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'DatasetAssociation',
  metadata: { name: ds.replace('/', '.') },
  spec: { benchmark: b, dataset: ds, compatibilityTest: compat() },
});

export const result = (b: string, ds: string, model: string): Entity => ({
  apiVersion: 'gitperf/v1',
  kind: 'Result',
  metadata: { name: model.replace('/', '.'), owner: ds.split('/')[0] },
  spec: {
    benchmark: b,
    model,
    dataset: ds,
    metrics: { auc: 0.8 },
    partial: false,
    execution: {
      runner: 'podman',
      startedAt: '2026-11-02T10:00:00Z',
      finishedAt: '2026-11-02T10:05:00Z',
      gitperfVersion: '0.1.0',
      cubes: [usage('model', model)],
      dataset: { generatedUid: HASH(3) },
    },
  },
});

export const P = {
  user: (l: string) => `registry/users/${l}.yaml`,
  cube: (ref: string) => `registry/mlcubes/${ref}.yaml`,
  dataset: (ref: string) => `registry/datasets/${ref}.yaml`,
  runner: (ref: string) => `registry/runners/${ref}.yaml`,
  bench: (b: string) => `registry/benchmarks/${b}/benchmark.yaml`,
  model: (b: string, ref: string) => `registry/benchmarks/${b}/models/${ref.replace('/', '.')}.yaml`,
  dsAssoc: (b: string, ref: string) => `registry/benchmarks/${b}/datasets/${ref.replace('/', '.')}.yaml`,
  result: (b: string, ds: string, model: string) =>
    `registry/benchmarks/${b}/results/${ds}/${model.replace('/', '.')}.yaml`,
};

/** The default base: the demo consortium with one associated model, two associated datasets, one result. */
export function demoRegistry(): Files {
  seq = 100; // the same hashes every time, so a copied base repository matches a freshly built one
  const f: Files = new Map();
  f.set('registry/registry.yaml', {
    apiVersion: 'gitperf/v1',
    kind: 'Registry',
    metadata: { name: 'demo-consortium' },
    spec: { bots: ['gitperf-bot'] },
  });
  f.set(P.user('ada'), user('ada', true));
  for (const u of ['ana', 'raj', 'lee', 'kim', 'hospital-a', 'hospital-b', 'hospital-c'])
    f.set(P.user(u), user(u));
  for (const c of ['bc-prep', 'bc-logreg', 'bc-metrics']) f.set(P.cube(`ana/${c}`), cube('ana', c));
  f.set(P.cube('lee/bc-centroid'), cube('lee', 'bc-centroid'));
  f.set(P.cube('kim/bc-stump'), cube('kim', 'bc-stump'));
  f.set(P.cube('lee/dev-cube'), cube('lee', 'dev-cube', 'development'));
  f.set(P.dataset('hospital-a/wdbc-a'), dataset('hospital-a', 'wdbc-a'));
  f.set(P.dataset('hospital-b/wdbc-b'), dataset('hospital-b', 'wdbc-b'));
  f.set(P.dataset('hospital-c/wdbc-c'), dataset('hospital-c', 'wdbc-c'));
  f.set(P.dataset('hospital-c/other-prep'), dataset('hospital-c', 'other-prep', 'kim/bc-stump'));
  f.set(P.dataset('hospital-b/dev-ds'), dataset('hospital-b', 'dev-ds', 'ana/bc-prep', 'development'));
  f.set(P.runner('hospital-a/runner-a'), runner('hospital-a', 'runner-a', ['hospital-a/wdbc-a']));
  f.set(P.runner('hospital-b/runner-b'), runner('hospital-b', 'runner-b', ['hospital-b/wdbc-b']));
  f.set(P.bench('bc-diagnosis'), benchmark('bc-diagnosis', 'ana', ['ana', 'raj']));
  f.set(P.model('bc-diagnosis', 'lee/bc-centroid'), modelAssoc('bc-diagnosis', 'lee/bc-centroid'));
  f.set(P.dsAssoc('bc-diagnosis', 'hospital-a/wdbc-a'), datasetAssoc('bc-diagnosis', 'hospital-a/wdbc-a'));
  f.set(P.dsAssoc('bc-diagnosis', 'hospital-b/wdbc-b'), datasetAssoc('bc-diagnosis', 'hospital-b/wdbc-b'));
  f.set(
    P.result('bc-diagnosis', 'hospital-a/wdbc-a', 'lee/bc-centroid'),
    result('bc-diagnosis', 'hospital-a/wdbc-a', 'lee/bc-centroid'),
  );
  f.set('.github/workflows/ci.yml', 'on: [pull_request]\njobs: {}\n');
  f.set('schemas/user.schema.json', '{}\n');
  return f;
}

export function render(v: Entity | string): string {
  return typeof v === 'string' ? v : stringify(v);
}

/** Deep-clones an entity so a scenario's edit never leaks into the base. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

// Generates the registry `gitperf plan` is measured on: BENCHMARKS benchmarks in operation, each with
// DATASETS dataset associations and MODELS models (the reference model plus MODELS-1 model associations),
// every (benchmark, dataset, model) a possible job; half of them have a result, one result in ten
// recorded with an older model image (stale). One Runner per hospital serves its three datasets.
// Usage: node scripts/bench/plan-registry.mjs DIR    (also imported by plan.bench.mjs)
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sha = (s) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

function hashesYaml(indent, ref, imageSalt = '') {
  return `${indent}manifest: ${sha(`${ref}/m`)}
${indent}parameters: ${sha(`${ref}/p`)}
${indent}image: ${sha(`${ref}/i${imageSalt}`)}
`;
}

function usages(indent, cubes) {
  return cubes
    .map(
      ([role, ref, salt]) => `${indent}- role: ${role}
${indent}  ref: ${ref}
${indent}  hashes:
${hashesYaml(`${indent}    `, ref, salt)}`,
    )
    .join('');
}

function compat(source, uid, cubes) {
  return `  compatibilityTest:
    ranAt: 2026-11-20T10:00:00Z
    runner: podman
    gitperfVersion: 0.1.0
    dataset:
      source: ${source}
      generatedUid: ${uid}
    cubes:
${usages('      ', cubes)}    metrics:
      auc: 0.9
`;
}

export function generatePlanRegistry(dir, { benchmarks = 10, datasets = 300, models = 30 } = {}) {
  const counts = {};
  const write = (rel, kind, text) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  const user = (login, admin = false) =>
    write(
      `users/${login}.yaml`,
      'User',
      `apiVersion: gitperf/v1\nkind: User\nmetadata:\n  name: ${login}\nspec:\n${admin ? '  roles:\n    - admin\n' : ''}  organization: Org ${login}\n`,
    );
  const cube = (owner, name) =>
    write(
      `mlcubes/${owner}/${name}.yaml`,
      'MLCube',
      `apiVersion: gitperf/v1
kind: MLCube
metadata:
  name: ${name}
  owner: ${owner}
spec:
  manifest:
    url: https://example.org/${owner}/${name}/mlcube.yaml
    sha256: ${sha(`${owner}/${name}/m`)}
  parameters:
    url: https://example.org/${owner}/${name}/parameters.yaml
    sha256: ${sha(`${owner}/${name}/p`)}
  image:
    reference: docker.io/${owner}/${name}:1.0.0
    digest: ${sha(`${owner}/${name}/i`)}
  state: operation
  valid: true
`,
    );
  write(
    'registry.yaml',
    'Registry',
    'apiVersion: gitperf/v1\nkind: Registry\nmetadata:\n  name: plan-bench\nspec:\n  bots:\n    - gitperf-bot\n',
  );
  user('admin', true);
  user('committee');
  const modellers = 30;
  for (let i = 0; i < modellers; i++) user(`modeller-${i}`);
  const hospitals = Math.ceil(datasets / 3);
  for (let i = 0; i < hospitals; i++) user(`hospital-${i}`);
  const prep = 'committee/prep';
  cube('committee', 'prep');
  const datasetRefs = [];
  for (let i = 0; i < datasets; i++) {
    const owner = `hospital-${Math.floor(i / 3)}`;
    const name = `data-${i % 3}`;
    const ref = `${owner}/${name}`;
    datasetRefs.push(ref);
    write(
      `datasets/${owner}/${name}.yaml`,
      'Dataset',
      `apiVersion: gitperf/v1
kind: Dataset
metadata:
  name: ${name}
  owner: ${owner}
spec:
  preparator: ${prep}
  inputDataHash: ${sha(`${ref}/in`)}
  generatedUid: ${sha(`${ref}/uid`)}
  location: Hospital ${owner}
  statistics:
    cases: 100
  state: operation
  submittedAsPrepared: false
  valid: true
`,
    );
  }
  for (let i = 0; i < hospitals; i++) {
    const owner = `hospital-${i}`;
    const mine = datasetRefs.filter((r) => r.startsWith(`${owner}/`));
    write(
      `runners/${owner}/runner.yaml`,
      'Runner',
      `apiVersion: gitperf/v1
kind: Runner
metadata:
  name: runner
  owner: ${owner}
spec:
  labels:
    - self-hosted
    - gitperf-${owner}
  datasets:
${mine.map((r) => `    - ${r}\n`).join('')}`,
    );
  }
  for (let b = 0; b < benchmarks; b++) {
    const name = `bench-${b}`;
    const metrics = `committee/metrics-${b}`;
    cube('committee', `metrics-${b}`);
    const modelRefs = [];
    for (let m = 0; m < models; m++) {
      const owner = `modeller-${m % modellers}`;
      const cubeName = `model-${b}-${m}`;
      cube(owner, cubeName);
      modelRefs.push(`${owner}/${cubeName}`);
    }
    const reference = modelRefs[0];
    write(
      `benchmarks/${name}/benchmark.yaml`,
      'Benchmark',
      `apiVersion: gitperf/v1
kind: Benchmark
metadata:
  name: ${name}
  owner: committee
spec:
  committee:
    - committee
  preparator: ${prep}
  referenceModel: ${reference}
  metrics: ${metrics}
  demoDataset:
    url: https://example.org/${name}/demo.tar.gz
    sha256: ${sha(`${name}/demo`)}
    generatedUid: ${sha(`${name}/demo-uid`)}
${compat('demo', sha(`${name}/demo-uid`), [
  ['preparator', prep],
  ['model', reference],
  ['metrics', metrics],
])}  policy:
    modelAutoApproval:
      mode: never
    datasetAutoApproval:
      mode: never
    sharing: per-model
    primaryMetric: auc
    higherIsBetter: true
  state: operation
`,
    );
    for (const [m, model] of modelRefs.entries()) {
      if (m === 0) continue;
      const [owner, cubeName] = model.split('/');
      write(
        `benchmarks/${name}/models/${owner}.${cubeName}.yaml`,
        'ModelAssociation',
        `apiVersion: gitperf/v1
kind: ModelAssociation
metadata:
  name: ${owner}.${cubeName}
  owner: ${owner}
spec:
  benchmark: ${name}
  model: ${model}
  priority: ${m % 4}
${compat('demo', sha(`${name}/demo-uid`), [
  ['preparator', prep],
  ['model', model],
  ['metrics', metrics],
])}`,
      );
    }
    for (const dataset of datasetRefs) {
      const [owner, dsName] = dataset.split('/');
      write(
        `benchmarks/${name}/datasets/${owner}.${dsName}.yaml`,
        'DatasetAssociation',
        `apiVersion: gitperf/v1
kind: DatasetAssociation
metadata:
  name: ${owner}.${dsName}
  owner: ${owner}
spec:
  benchmark: ${name}
  dataset: ${dataset}
${compat('prepared', sha(`${dataset}/uid`), [
  ['preparator', prep],
  ['model', reference],
  ['metrics', metrics],
])}`,
      );
    }
    // Half of the jobs have a result: models of even index; one in ten of those is stale.
    let n = 0;
    for (const [d, dataset] of datasetRefs.entries()) {
      const [dOwner, dName] = dataset.split('/');
      for (const [m, model] of modelRefs.entries()) {
        if ((m + d) % 2 === 1) continue;
        const stale = n++ % 10 === 0;
        const [mOwner, mName] = model.split('/');
        write(
          `benchmarks/${name}/results/${dOwner}/${dName}/${mOwner}.${mName}.yaml`,
          'Result',
          `apiVersion: gitperf/v1
kind: Result
metadata:
  name: ${mOwner}.${mName}
  owner: ${dOwner}
spec:
  benchmark: ${name}
  model: ${model}
  dataset: ${dataset}
  metrics:
    auc: 0.${(n * 7919) % 1000}
    accuracy: 0.9
  partial: false
  execution:
    runner: podman
    runnerRef: ${dOwner}/runner
    startedAt: 2026-11-23T10:00:00Z
    finishedAt: 2026-11-23T10:00:42Z
    gitperfVersion: 0.1.0
    cubes:
${usages('      ', [
  ['preparator', prep],
  ['model', model, stale ? '-old' : ''],
  ['metrics', metrics],
])}    dataset:
      generatedUid: ${sha(`${dataset}/uid`)}
`,
        );
      }
    }
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { counts, total, jobs: benchmarks * datasets * models };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [dir] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node scripts/bench/plan-registry.mjs DIR');
    process.exit(2);
  }
  console.log(JSON.stringify(generatePlanRegistry(dir), null, 2));
}

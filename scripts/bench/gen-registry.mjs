// Generates a valid synthetic registry of about `total` entities (default 10,000) with the kind
// mix of a large consortium: results dominate, then associations, datasets and cubes.
// `signed`: every Runner has a signing key (spec.publicKey and spec.keys, as `runner register` writes them)
// and every result is signed with its runner's key (spec.execution.runnerRef + spec.signature, as
// participants/result-signing.ts signs), by the built trust code (cli/dist/trust: run `npm run build` first).
// The keys are derived from the runner's name, so a generated registry is the same every time.
// Usage: node scripts/bench/gen-registry.mjs DIR [TOTAL] [--signed]    (also imported by registry-cache.mjs)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const h = (s) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

function cubeUsage(indent, refs) {
  return refs
    .map(
      ([role, ref]) => `${indent}- role: ${role}
${indent}  ref: ${ref}
${indent}  hashes:
${indent}    manifest: ${h(`${ref}/m`)}
${indent}    parameters: ${h(`${ref}/p`)}
${indent}    image: ${h(`${ref}/i`)}
`,
    )
    .join('');
}

function compat(source, uid, prep, model, metrics) {
  return `  compatibilityTest:
    ranAt: 2026-11-20T10:00:00Z
    runner: podman
    gitperfVersion: 0.1.0
    dataset:
      source: ${source}
      generatedUid: ${uid}
    cubes:
${cubeUsage('      ', [
  ['preparator', prep],
  ['model', model],
  ['metrics', metrics],
])}    metrics:
      auc: 0.9
      accuracy: .nan
`;
}

const TRUST_DIST = fileURLToPath(new URL('../../cli/dist/trust/', import.meta.url));
/** The trust modules a signed registry is made with (the files the cache key must cover). */
export const TRUST_MODULES = ['index.js', 'ed25519.js'];

/** The built trust code: signing, key formats and seed-to-public-key derivation. */
export async function loadTrust() {
  if (!existsSync(join(TRUST_DIST, 'index.js'))) {
    throw new Error(
      'gen-registry: cli/dist/trust is missing; run `npm run build` first (a signed registry uses it)',
    );
  }
  const [trust, ed25519] = await Promise.all(
    TRUST_MODULES.map((f) => import(pathToFileURL(join(TRUST_DIST, f)).href)),
  );
  return { ...trust, publicKeyOfSeed: ed25519.publicKeyOfSeed };
}

/** A runner's key pair, derived from its ref (a seed is any 32 bytes): the same registry every time. */
export function runnerKeyPair(trust, runnerRef) {
  const seed = createHash('sha256').update(`gitperf-bench-runner-key/${runnerRef}`).digest();
  return { seed, publicKey: trust.publicKeyOfSeed(seed) };
}

/** When every bench runner key starts being valid (before every generated result's finishedAt). */
const KEYS_VALID_AFTER = '2026-01-01T00:00:00Z';

/** A YAML literal block (`|`) holding `text` (which ends in one newline), indented by `indent`. */
function literalBlock(indent, text) {
  return `|\n${text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${indent}${line}\n`)
    .join('')}`;
}

/**
 * Writes the registry under `dir`; returns counts per kind and a few paths benchmarks use. With
 * `options.signed`, `options.trust` is loadTrust()'s answer (kept out of this synchronous function).
 */
export function generateRegistry(dir, total = 10_000, options = {}) {
  const { signed = false, trust } = options;
  if (signed && !trust)
    throw new Error('generateRegistry: a signed registry needs options.trust (loadTrust())');
  const runnerKeys = new Map();
  const counts = {};
  const write = (rel, kind, text) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  const scale = total / 10_000;
  const nBench = Math.max(1, Math.round(20 * scale));
  const nModelOwners = Math.max(1, Math.round(150 * scale));
  const nHospitals = Math.max(1, Math.round(400 * scale));
  const nGroups = Math.min(4, nBench);

  write(
    'registry.yaml',
    'Registry',
    'apiVersion: gitperf/v1\nkind: Registry\nmetadata:\n  name: bench\nspec:\n  bots:\n    - gitperf-bot\n',
  );
  const users = [];
  const user = (login, admin = false) => {
    users.push(login);
    write(
      `users/${login}.yaml`,
      'User',
      `apiVersion: gitperf/v1\nkind: User\nmetadata:\n  name: ${login}\nspec:\n${admin ? '  roles:\n    - admin\n' : ''}  organization: Org ${login}\n`,
    );
  };
  user('admin-1', true);
  user('admin-2', true);
  for (let i = 0; i < 20; i++) user(`committee-${i}`);
  for (let i = 0; i < nModelOwners; i++) user(`modeller-${i}`);
  for (let i = 0; i < nHospitals; i++) user(`hospital-${i}`);

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
    sha256: ${h(`${owner}/${name}/m`)}
  parameters:
    url: https://example.org/${owner}/${name}/parameters.yaml
    sha256: ${h(`${owner}/${name}/p`)}
  image:
    reference: docker.io/${owner}/${name}:1.0.0
    digest: ${h(`${owner}/${name}/i`)}
  state: operation
  valid: true
`,
    );
  // Shared preparators (datasets are prepared once per preparator group), per-benchmark ref/metrics.
  for (let g = 0; g < nGroups; g++) cube('committee-0', `prep-${g}`);
  const benches = [];
  for (let b = 0; b < nBench; b++) {
    cube('committee-0', `ref-${b}`);
    cube('committee-0', `metrics-${b}`);
    benches.push({ name: `bench-${b}`, prep: `committee-0/prep-${b % nGroups}`, group: b % nGroups });
  }
  const models = [];
  const modelsPerOwner = 6;
  for (let o = 0; o < nModelOwners; o++) {
    for (let m = 0; m < modelsPerOwner; m++) {
      cube(`modeller-${o}`, `model-${m}`);
      models.push(`modeller-${o}/model-${m}`);
    }
  }
  // Datasets: three per hospital, each in one preparator group.
  const datasets = [];
  for (let hI = 0; hI < nHospitals; hI++) {
    const owner = `hospital-${hI}`;
    const mine = [];
    for (let d = 0; d < 3; d++) {
      const group = (hI * 3 + d) % nGroups;
      const ref = `${owner}/data-${d}`;
      datasets.push({ ref, group });
      mine.push(ref);
      write(
        `datasets/${owner}/data-${d}.yaml`,
        'Dataset',
        `apiVersion: gitperf/v1
kind: Dataset
metadata:
  name: data-${d}
  owner: ${owner}
spec:
  preparator: committee-0/prep-${group}
  inputDataHash: ${h(`${ref}/in`)}
  generatedUid: ${h(`${ref}/uid`)}
  location: Hospital ${hI}
  statistics:
    cases: ${100 + d}
    positives: ${40 + d}
  state: operation
  submittedAsPrepared: false
  valid: true
`,
      );
    }
    let keyFields = '';
    if (signed) {
      const runnerRef = `${owner}/runner`;
      const pair = runnerKeyPair(trust, runnerRef);
      runnerKeys.set(runnerRef, pair);
      const line = trust.formatPublicKey(pair.publicKey, runnerRef);
      keyFields = `  publicKey: ${line}
  keys:
    - publicKey: ${line}
      validAfter: ${KEYS_VALID_AFTER}
`;
    }
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
    - ${owner}
  datasets:
${mine.map((r) => `    - ${r}\n`).join('')}  consent: standing
${keyFields}`,
    );
  }
  for (const [b, bench] of benches.entries()) {
    write(
      `benchmarks/${bench.name}/benchmark.yaml`,
      'Benchmark',
      `apiVersion: gitperf/v1
kind: Benchmark
metadata:
  name: ${bench.name}
  owner: committee-${b % 20}
spec:
  committee:
    - committee-${b % 20}
    - committee-${(b + 1) % 20}
  preparator: ${bench.prep}
  referenceModel: committee-0/ref-${b}
  metrics: committee-0/metrics-${b}
  demoDataset:
    url: https://example.org/${bench.name}/demo.tar.gz
    sha256: ${h(`${bench.name}/demo`)}
    generatedUid: ${h(`${bench.name}/demo-uid`)}
${compat('demo', h(`${bench.name}/demo-uid`), bench.prep, `committee-0/ref-${b}`, `committee-0/metrics-${b}`)}  policy:
    modelAutoApproval:
      mode: never
    datasetAutoApproval:
      mode: allowlist
      allowlist:
        - hospital-0
    sharing: per-model
    primaryMetric: auc
    higherIsBetter: true
  state: operation
`,
    );
  }
  // Associations and results fill what is left of `total`, spread evenly over benchmarks.
  const fixed = Object.values(counts).reduce((a, b) => a + b, 0);
  const rest = Math.max(0, total - fixed);
  const perBenchAssoc = Math.floor((rest * 0.3) / nBench / 2);
  const perBenchResults = Math.floor((rest - perBenchAssoc * 2 * nBench) / nBench);
  const samplePaths = {};
  for (const [b, bench] of benches.entries()) {
    const bModels = Array.from({ length: perBenchAssoc }, (_, i) => models[(b * 37 + i) % models.length]);
    const bData = datasets.filter((d) => d.group === bench.group).slice(0, perBenchAssoc);
    for (const m of [...new Set(bModels)]) {
      const [o, n] = m.split('/');
      write(
        `benchmarks/${bench.name}/models/${o}.${n}.yaml`,
        'ModelAssociation',
        `apiVersion: gitperf/v1
kind: ModelAssociation
metadata:
  name: ${o}.${n}
  owner: ${o}
spec:
  benchmark: ${bench.name}
  model: ${m}
  priority: 0
${compat('demo', h(`${bench.name}/demo-uid`), bench.prep, m, `committee-0/metrics-${b}`)}`,
      );
    }
    for (const d of bData) {
      const [o, n] = d.ref.split('/');
      write(
        `benchmarks/${bench.name}/datasets/${o}.${n}.yaml`,
        'DatasetAssociation',
        `apiVersion: gitperf/v1
kind: DatasetAssociation
metadata:
  name: ${o}.${n}
  owner: ${o}
spec:
  benchmark: ${bench.name}
  dataset: ${d.ref}
${compat('prepared', h(`${d.ref}/uid`), bench.prep, `committee-0/ref-${b}`, `committee-0/metrics-${b}`)}`,
      );
    }
    const uniqModels = [...new Set(bModels)];
    let made = 0;
    for (let i = 0; made < perBenchResults && i < bData.length * uniqModels.length; i++) {
      const d = bData[i % bData.length];
      const m = uniqModels[Math.floor(i / bData.length)];
      const [dOwner, dName] = d.ref.split('/');
      const [mOwner, mName] = m.split('/');
      const rel = `benchmarks/${bench.name}/results/${dOwner}/${dName}/${mOwner}.${mName}.yaml`;
      const cubes = [
        ['preparator', bench.prep],
        ['model', m],
        ['metrics', `committee-0/metrics-${b}`],
      ];
      const aucText = `0.${(i * 7919) % 1000}`;
      const runnerRef = `${dOwner}/runner`;
      let signature = '';
      if (signed) {
        // The same fields as the YAML below, as the validator will read them back.
        const result = {
          metadata: { name: `${mOwner}.${mName}`, owner: dOwner },
          spec: {
            benchmark: bench.name,
            model: m,
            dataset: d.ref,
            metrics: { auc: Number(aucText), accuracy: 0.9 },
            partial: false,
            execution: {
              runner: 'podman',
              runnerRef,
              startedAt: '2026-11-23T10:00:00Z',
              finishedAt: '2026-11-23T10:00:42Z',
              gitperfVersion: '0.1.0',
              cubes: cubes.map(([role, ref]) => ({
                role,
                ref,
                hashes: { manifest: h(`${ref}/m`), parameters: h(`${ref}/p`), image: h(`${ref}/i`) },
              })),
              dataset: { generatedUid: h(`${d.ref}/uid`) },
            },
          },
        };
        signature = `  signature: ${literalBlock('    ', trust.signResult(result, runnerKeys.get(runnerRef)))}`;
      }
      write(
        rel,
        'Result',
        `apiVersion: gitperf/v1
kind: Result
metadata:
  name: ${mOwner}.${mName}
  owner: ${dOwner}
spec:
  benchmark: ${bench.name}
  model: ${m}
  dataset: ${d.ref}
  metrics:
    auc: ${aucText}
    accuracy: 0.9
  partial: false
  execution:
    runner: podman
    runnerRef: ${runnerRef}
    startedAt: 2026-11-23T10:00:00Z
    finishedAt: 2026-11-23T10:00:42Z
    gitperfVersion: 0.1.0
    cubes:
${cubeUsage('      ', cubes)}    dataset:
      generatedUid: ${h(`${d.ref}/uid`)}
${signature}`,
      );
      samplePaths.result ??= rel;
      made++;
    }
  }
  // Rounding leaves a few short of `total`: top up with users so the count is exact.
  for (let i = 0; Object.values(counts).reduce((a, b) => a + b, 0) < total; i++) user(`extra-${i}`);
  return { counts, total: Object.values(counts).reduce((a, b) => a + b, 0), samplePaths };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const signed = args.includes('--signed');
  const [dir, total] = args.filter((a) => a !== '--signed');
  if (!dir) {
    console.error('usage: node scripts/bench/gen-registry.mjs DIR [TOTAL] [--signed]');
    process.exit(2);
  }
  const trust = signed ? await loadTrust() : undefined;
  const r = generateRegistry(dir, total ? Number(total) : undefined, { signed, trust });
  console.log(JSON.stringify(r, null, 2));
}

// Generates a registry for the leaderboard bench: B benchmarks, each with D datasets (one hospital
// each) and M models, and a result with sufficient statistics for every (dataset, model): B*D*M
// results (default 10 x 300 x 30 = 90,000). Only what `leaderboard build` reads is written (the
// benchmarks, model associations and results), valid against the schemas.
// Usage: node scripts/bench/gen-leaderboard.mjs DIR [BENCHMARKS DATASETS MODELS]
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const h = (s) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/** A deterministic pseudo-random stream (mulberry32), so every run writes the same registry. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cubes = (indent, refs) =>
  refs
    .map(
      ([role, ref]) =>
        `${indent}- role: ${role}\n${indent}  ref: ${ref}\n${indent}  hashes:\n${indent}    manifest: ${h(`${ref}/m`)}\n`,
    )
    .join('');

const GRID = Array.from({ length: 11 }, (_, i) => i / 10);

function counts(positives, negatives, skill, threshold) {
  // Scores: positives ~ skill-shifted, negatives ~ uniform; counts above the threshold.
  const tpShare = Math.min(1, Math.max(0, 1 - threshold * (1 - skill)));
  const fpShare = Math.min(1, Math.max(0, (1 - threshold) * (1 - skill)));
  const tp = Math.round(positives * tpShare);
  const fp = Math.round(negatives * fpShare);
  return { tp, fp, tn: negatives - fp, fn: positives - tp };
}

export function generateLeaderboardRegistry(dir, benchmarks = 10, datasets = 300, models = 30) {
  const rand = random(20261202);
  const write = (rel, text) => {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  };
  const compat = `  compatibilityTest:
    ranAt: 2026-11-20T10:00:00Z
    runner: podman
    gitperfVersion: 0.1.0
    dataset:
      source: demo
      generatedUid: ${h('demo')}
    cubes:
${cubes('      ', [['model', 'committee-0/ref']])}    metrics:
      auc: 0.9
`;
  let results = 0;
  for (let b = 0; b < benchmarks; b++) {
    const bench = `bench-${b}`;
    write(
      `benchmarks/${bench}/benchmark.yaml`,
      `apiVersion: gitperf/v1
kind: Benchmark
metadata:
  name: ${bench}
  owner: committee-0
spec:
  committee:
    - committee-0
  preparator: committee-0/prep
  referenceModel: committee-0/ref
  metrics: committee-0/metrics
  demoDataset:
    url: https://example.org/demo.tar.gz
    sha256: ${h('demo.tar.gz')}
    generatedUid: ${h('demo')}
${compat}  policy:
    modelAutoApproval:
      mode: never
    datasetAutoApproval:
      mode: never
    sharing: full
    minCasesPerCell: 20
    primaryMetric: auc
    higherIsBetter: true
  state: operation
`,
    );
    for (let m = 0; m < models; m++) {
      write(
        `benchmarks/${bench}/models/modeller-${m}.model.yaml`,
        `apiVersion: gitperf/v1
kind: ModelAssociation
metadata:
  name: modeller-${m}.model
  owner: modeller-${m}
spec:
  benchmark: ${bench}
  model: modeller-${m}/model
${compat}`,
      );
    }
    for (let d = 0; d < datasets; d++) {
      const owner = `hospital-${d}`;
      for (let m = 0; m < models; m++) {
        const cases = 10 + Math.floor(rand() * 400);
        const positives = Math.max(1, Math.floor(cases * (0.2 + rand() * 0.3)));
        const negatives = cases - positives;
        const skill = 0.5 + (m / models) * 0.4 + rand() * 0.05;
        const op = counts(positives, negatives, skill, 0.5);
        const grid = GRID.map((t) => ({ t, ...counts(positives, negatives, skill, t) }));
        const accuracy = (op.tp + op.tn) / cases;
        write(
          `benchmarks/${bench}/results/${owner}/data/modeller-${m}.model.yaml`,
          `apiVersion: gitperf/v1
kind: Result
metadata:
  name: modeller-${m}.model
  owner: ${owner}
spec:
  benchmark: ${bench}
  model: modeller-${m}/model
  dataset: ${owner}/data
  metrics:
    auc: ${(0.6 + skill * 0.35).toFixed(6)}
    accuracy: ${accuracy.toFixed(6)}
  sufficientStatistics:
    cases: ${cases}
    operatingPoint:
      threshold: 0.5
      tp: ${op.tp}
      fp: ${op.fp}
      tn: ${op.tn}
      fn: ${op.fn}
    thresholdGrid:
${grid.map((g) => `      - threshold: ${g.t}\n        tp: ${g.tp}\n        fp: ${g.fp}\n        tn: ${g.tn}\n        fn: ${g.fn}\n`).join('')}  partial: false
  execution:
    runner: podman
    startedAt: 2026-11-23T10:00:00Z
    finishedAt: 2026-11-23T10:00:42Z
    gitperfVersion: 0.1.0
    cubes:
${cubes('      ', [
  ['preparator', 'committee-0/prep'],
  ['model', `modeller-${m}/model`],
  ['metrics', 'committee-0/metrics'],
])}    dataset:
      generatedUid: ${h(`${owner}/uid`)}
`,
        );
        results++;
      }
    }
  }
  return { results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, ...sizes] = process.argv.slice(2);
  if (!dir) throw new Error('usage: gen-leaderboard.mjs DIR [BENCHMARKS DATASETS MODELS]');
  console.log(generateLeaderboardRegistry(dir, ...sizes.map(Number)));
}

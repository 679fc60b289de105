/**
 * A real registry for the procedure tests, built in a temp folder: the five demo cubes of examples/ registered
 * with file:// URLs and their true sha256, the bc-diagnosis benchmark with the real demo tarball, and the two
 * model associations. Nothing is faked: every resource is fetched and verified by the cube engine.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { codeFolderHash, loadManifest, registeredCodeFolder } from '../../cli/src/cube/index.js';
import type { CompatibilityTest, MLCube } from '../../cli/src/registry/types.generated.js';
import { type BenchmarkRun, runBenchmark } from '../../cli/src/workflows/benchmark-run.js';
import { runCompatibilityTest } from '../../cli/src/workflows/compatibility-test.js';
import { cubeAccess } from '../../cli/src/workflows/cube-access.js';
import type { RunnerKind } from '../../cli/src/workflows/execution.js';
import { layout } from '../../cli/src/workflows/layout.js';
import { prepareDataset } from '../../cli/src/workflows/prepare-dataset.js';
import { loadBenchmark } from '../../cli/src/workflows/registry-access.js';
import { repoRoot } from '../helpers/cli.js';
import { registryBuilder } from '../helpers/registry-builder.js';

export const examples = join(repoRoot, 'examples');
export const cubeFolder = (c: string) => join(examples, 'cubes', c);
export const site = (s: 'a' | 'b' | 'c') => ({
  data: join(examples, 'data', 'sites', s, 'data'),
  labels: join(examples, 'data', 'sites', s, 'labels'),
});
export const demoTarball = join(examples, 'data', 'demo', 'demo.tar.gz');

export async function sha256Of(file: string): Promise<string> {
  return `sha256:${createHash('sha256')
    .update(await readFile(file))
    .digest('hex')}`;
}

async function resource(file: string) {
  return { url: pathToFileURL(file).href, sha256: await sha256Of(file) };
}

/** The local runner's registered code of a cube whose manifest is `manifestFile`: its code folder, packed. */
export async function codeResource(manifestFile: string) {
  const dir = dirname(manifestFile);
  const m = await loadManifest(dir);
  if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
  const folder = resolve(dir, registeredCodeFolder(m.value));
  const hash = await codeFolderHash(folder);
  if (!hash.ok) throw new Error(JSON.stringify(hash.diagnostics));
  return { url: `${pathToFileURL(folder).href}/`, sha256: hash.value };
}

const CUBES: [owner: string, name: string, folder: string][] = [
  ['ana', 'bc-prep', 'prep'],
  ['ana', 'bc-logreg', 'logreg'],
  ['ana', 'bc-metrics', 'metrics'],
  ['lee', 'bc-centroid', 'centroid'],
  ['kim', 'bc-stump', 'stump'],
];

const ZERO = `sha256:${'0'.repeat(64)}`;

function testRecord(): CompatibilityTest {
  return {
    ranAt: '2026-11-20T10:00:00Z',
    runner: 'local',
    gitperfVersion: '0.1.0',
    dataset: { source: 'demo', generatedUid: ZERO },
    cubes: [{ role: 'model', ref: 'ana/bc-logreg', hashes: { manifest: ZERO } }],
    metrics: { auc: 0.9 },
  };
}

export interface TestRegistry {
  /** Repository root (holds registry/). */
  root: string;
  registryDir: string;
  home: string;
  demoSha256: string;
  cleanup(): Promise<void>;
}

/** A temp repository with registry/ as described above, and a fresh GITPERF_HOME beside it. */
export async function makeTestRegistry(
  opts: {
    demoGeneratedUid?: string;
    demoSha256?: string;
    /** Manifest file per cube folder name (e.g. a container_config.yaml twin), instead of its mlcube.yaml. */
    manifests?: Record<string, string>;
    /** Image per cube folder name, instead of localhost/gitperf/bc-<folder>:0.1. */
    images?: Record<string, string>;
    /** Register the cubes without their local runner code (spec.code). */
    withoutCode?: boolean;
  } = {},
): Promise<TestRegistry> {
  const root = await mkdtemp(join(tmpdir(), 'gitperf-wf-'));
  const reg = join(root, 'registry');
  const builder = registryBuilder().registry('test-consortium');
  for (const [owner, name, folder] of CUBES) {
    const dir = cubeFolder(folder);
    const manifestFile = opts.manifests?.[folder] ?? join(dir, 'mlcube.yaml');
    const spec: MLCube['spec'] = {
      manifest: await resource(manifestFile),
      parameters: await resource(join(dir, 'workspace', 'parameters.yaml')),
      image: { reference: opts.images?.[folder] ?? `localhost/gitperf/bc-${folder}:0.1` },
      state: 'operation',
      valid: true,
    };
    if (folder === 'logreg') spec.additionalFiles = await resource(join(dir, 'additional_files.tar.gz'));
    // container_config.yaml twins run the code of their mlcube.yaml cube (their project/ is a link to it).
    const codeOf = manifestFile.endsWith('container_config.yaml') ? join(dir, 'mlcube.yaml') : manifestFile;
    if (!opts.withoutCode) spec.code = await codeResource(codeOf);
    builder.entity({
      apiVersion: 'gitperf/v1',
      kind: 'MLCube',
      metadata: { name, owner },
      spec,
    });
  }
  const demoSha256 = opts.demoSha256 ?? (await sha256Of(demoTarball));
  builder.benchmark('bc-diagnosis', 'ana', {
    committee: ['ana', 'raj'],
    demoDataset: {
      url: pathToFileURL(demoTarball).href,
      sha256: demoSha256,
      generatedUid: opts.demoGeneratedUid ?? ZERO,
    },
    compatibilityTest: testRecord(),
  });
  for (const [owner, name, priority] of [
    ['kim', 'bc-stump', 0],
    ['lee', 'bc-centroid', 1],
  ] as const) {
    builder.entity({
      apiVersion: 'gitperf/v1',
      kind: 'ModelAssociation',
      metadata: { name: `${owner}.${name}`, owner },
      spec: {
        benchmark: 'bc-diagnosis',
        model: `${owner}/${name}`,
        priority,
        compatibilityTest: {
          ...testRecord(),
          cubes: [{ role: 'model', ref: `${owner}/${name}`, hashes: { manifest: ZERO } }],
        },
      },
    });
  }
  await builder.writeTo(root);
  const home = join(root, 'home');
  return {
    root,
    registryDir: reg,
    home,
    demoSha256,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

const EXAMPLE_IMAGES = ['prep', 'logreg', 'metrics', 'centroid', 'stump'].map(
  (c) => `localhost/gitperf/bc-${c}:0.1`,
);

/** The example cubes' images (scripts/build-example-images.sh), built when one is absent. */
export async function ensureExampleImages(): Promise<void> {
  const present = await Promise.all(
    EXAMPLE_IMAGES.map(
      async (i) => (await execa('podman', ['image', 'exists', i], { reject: false })).exitCode === 0,
    ),
  );
  if (present.includes(false))
    await execa('bash', [join(repoRoot, 'scripts/build-example-images.sh')], { timeout: 600_000 });
}

/**
 * The example cubes' images built from this checkout under tags of their own (`<prefix>/bc-<folder>:0.1`), the
 * way scripts/build-example-images.sh builds them: the shared localhost/gitperf tags may hold another
 * checkout's code. Needs the base image (ensureExampleImages builds it).
 */
export async function buildOwnExampleImages(
  prefix: string,
): Promise<{ images: Record<string, string>; remove(): Promise<void> }> {
  const images: Record<string, string> = {};
  for (const [, , folder] of CUBES) {
    const tag = `${prefix}/bc-${folder}:0.1`;
    const dir = cubeFolder(folder);
    await execa('podman', [
      'build',
      '--quiet',
      '--pull=never',
      '--network',
      'none',
      '--timestamp',
      '0',
      '-f',
      join(dir, 'Containerfile'),
      '-t',
      tag,
      dir,
    ]);
    images[folder] = tag;
  }
  return {
    images,
    remove: async () => {
      await execa('podman', ['rmi', ...Object.values(images)], { reject: false });
    },
  };
}

/**
 * The three procedures on one runner with a fresh home (`home-<label>`): dataset preparation on hospital C's
 * data, the benchmark run of every model, and the compatibility test on the demo tarball.
 */
export async function runProcedures(reg: TestRegistry, runner: RunnerKind, label: string = runner) {
  const lay = layout(join(reg.root, `home-${label}`));
  const exec = cubeAccess({ runner, layout: lay, registryDir: reg.registryDir });
  const bench = await loadBenchmark('bc-diagnosis', reg.registryDir);
  const c = site('c');
  const ds = await prepareDataset(
    { preparator: bench.preparator, data: c.data, labels: c.labels, name: 'wdbc-c', owner: 'hospital-c' },
    { exec, layout: lay },
  );
  const run: BenchmarkRun = await runBenchmark(
    { benchmark: bench, dataset: 'wdbc-c', models: bench.models, ignoreModelErrors: true },
    { exec, layout: lay },
  );
  const test = await runCompatibilityTest(
    {
      preparator: bench.preparator,
      model: bench.referenceModel,
      metrics: bench.metrics,
      data: { kind: 'demo', ...bench.demoDataset },
    },
    { exec, layout: lay },
  );
  return { ds, run, test, home: lay.home };
}

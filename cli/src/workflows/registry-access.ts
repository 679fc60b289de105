/**
 * The registry facts the procedures need, read with the registry's own loader: a benchmark's cubes and demo
 * dataset, its associated models, and registered MLCube specs. A registry is given as its folder
 * (`.../registry`, holding registry.yaml) or as the repository holding that folder; resource URLs are
 * relative to the repository root, the registry folder's parent.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import { FsFileSource } from '../registry/file-source.js';
import { repoEntityPath } from '../registry/layout.js';
import { loadRegistry } from '../registry/loader.js';
import { findRegistryDir } from '../registry/registry-folder.js';
import { RegistryIndex } from '../registry/registry-index.js';
import type { Benchmark, MLCube } from '../registry/types.generated.js';
import type { BenchmarkCubes } from './benchmark-run.js';

export interface RegistryView {
  /** The registry folder (holds registry.yaml). */
  dir: string;
  /** The repository root, base of relative resource URLs. */
  repoRoot: string;
  index: RegistryIndex;
}

const exists = async (p: string) => Boolean(await stat(p).catch(() => undefined));

/**
 * Load a registry. Not cached across calls: a registry folder can change within one process (the demo merges
 * submissions); callers that read it several times in one procedure keep the view (as cubeAccess does).
 */
export async function openRegistry(dir?: string): Promise<RegistryView> {
  const found = await findRegistryDir(dir);
  if (!found)
    fail(
      'registry.not-found',
      `no registry at ${resolve(dir ?? '.')} (a folder with registry.yaml, or a repository with registry/registry.yaml); pass --registry DIR`,
    );
  const loaded = await loadRegistry(new FsFileSource(found, found));
  return { dir: found, repoRoot: dirname(found), index: new RegistryIndex(loaded.entities) };
}

export interface BenchmarkInfo extends BenchmarkCubes {
  entity: Benchmark;
  demoDataset: Benchmark['spec']['demoDataset'];
  /** Reference model first, then associated models by priority (highest first), then by ref. */
  models: string[];
  registry: RegistryView;
}

/**
 * A benchmark by name from a registry, or by folder (`.../registry/benchmarks/<name>`, whose registry is two
 * levels up).
 */
export async function loadBenchmark(nameOrDir: string, registryDir?: string): Promise<BenchmarkInfo> {
  let name = nameOrDir;
  let regDir = registryDir;
  if (await exists(join(nameOrDir, 'benchmark.yaml'))) {
    name = basename(resolve(nameOrDir));
    regDir = dirname(dirname(resolve(nameOrDir)));
  }
  const reg = await openRegistry(regDir);
  const benchmark = reg.index.get('Benchmark', name);
  if (!benchmark)
    fail(
      'benchmark.not-found',
      `no valid benchmark ${name} in ${reg.dir}; check ${repoEntityPath('Benchmark', name)} with \`gitperf validate\``,
    );
  const spec = benchmark.entity.spec;
  const associated = reg.index
    .modelAssociations(name)
    .map((a) => ({ ref: a.entity.spec.model, priority: a.entity.spec.priority ?? 0 }))
    .filter((a) => a.ref !== spec.referenceModel)
    .sort((x, y) => y.priority - x.priority || (x.ref < y.ref ? -1 : 1));
  return {
    name,
    preparator: spec.preparator,
    referenceModel: spec.referenceModel,
    metrics: spec.metrics,
    entity: benchmark.entity,
    demoDataset: spec.demoDataset,
    models: [spec.referenceModel, ...associated.map((a) => a.ref)],
    registry: reg,
  };
}

export function mlcubeSpec(reg: RegistryView, ref: string): MLCube['spec'] {
  const cube = reg.index.get('MLCube', ref);
  if (!cube)
    fail(
      'cube.not-found',
      `no valid MLCube ${ref} in ${reg.dir} (${repoEntityPath('MLCube', ref)}), and no cube folder at that path`,
    );
  return cube.entity.spec;
}

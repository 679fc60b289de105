/**
 * Plan tests' registry: entities from the one typed builder (test/helpers/registry-builder.ts), with
 * hashes derived from each cube's and dataset's ref (so the same ref built twice is the same entity, and a
 * result can be written against it), committed to a temp folder that is a real git repository with
 * chosen commit times (the plan's association ages).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import {
  datasetAssociationRef,
  type Entity,
  type Kind,
  modelAssociationRef,
  resultRef,
} from '../../cli/src/registry/kinds.js';
import { registeredHashes } from '../../cli/src/registry/registered-hashes.js';
import type { CubeUsage, MLCube } from '../../cli/src/registry/types.generated.js';
import { compatibilityTest, type RegistryBuilder, registryBuilder } from '../helpers/registry-builder.js';

export const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/** The one entity `build` adds to a fresh builder. */
function built<K extends Kind>(
  kind: K,
  ref: string,
  build: (builder: RegistryBuilder) => RegistryBuilder,
): Entity<K> {
  const entity = build(registryBuilder()).get(kind, ref);
  if (!entity) throw new Error(`the builder made no ${kind} ${ref}`);
  return entity;
}

const ownerAndName = (ref: string): [string, string] => {
  const [owner, name] = ref.split('/');
  return [owner, name];
};

export function cube(ref: string, opts: { image?: string; valid?: boolean } = {}): MLCube {
  return built('MLCube', ref, (builder) =>
    builder.mlcube(...ownerAndName(ref), {
      manifest: { url: `https://example.org/${ref}/mlcube.yaml`, sha256: sha(`${ref}/m`) },
      parameters: { url: `https://example.org/${ref}/parameters.yaml`, sha256: sha(`${ref}/p`) },
      image: { reference: `docker.io/${ref}:1`, digest: opts.image ?? sha(`${ref}/i`) },
      valid: opts.valid ?? true,
    }),
  );
}

/** The hashes a run of `registeredCube` records. */
export function hashesOf(registeredCube: MLCube): CubeUsage['hashes'] {
  return registeredHashes(registeredCube.spec);
}

export function dataset(ref: string, generatedUid = sha(`${ref}/uid`), valid = true): Entity<'Dataset'> {
  return built('Dataset', ref, (builder) =>
    builder.dataset(...ownerAndName(ref), {
      preparator: 'ana/prep',
      inputDataHash: sha(`${ref}/in`),
      generatedUid,
      statistics: { cases: 10 },
      valid,
    }),
  );
}

/** Compatibility tests on the benchmark's demo data. */
const demoCompatibilityTest = () =>
  compatibilityTest({ dataset: { source: 'demo', generatedUid: sha('demo-uid') } });

export function benchmark(
  name: string,
  opts: { state?: 'operation' | 'development'; referenceModel?: string; metrics?: string } = {},
): Entity<'Benchmark'> {
  return built('Benchmark', name, (builder) =>
    builder.benchmark(name, 'ana', {
      preparator: 'ana/prep',
      referenceModel: opts.referenceModel ?? 'ana/ref',
      metrics: opts.metrics ?? 'ana/metrics',
      demoDataset: {
        url: 'https://example.org/demo.tar.gz',
        sha256: sha('demo'),
        generatedUid: sha('demo-uid'),
      },
      compatibilityTest: demoCompatibilityTest(),
      policy: {
        modelAutoApproval: { mode: 'never' },
        datasetAutoApproval: { mode: 'never' },
        sharing: 'full',
        primaryMetric: 'auc',
        higherIsBetter: true,
      },
      state: opts.state ?? 'operation',
    }),
  );
}

export function modelAssociation(
  bench: string,
  model: string,
  priority?: number,
): Entity<'ModelAssociation'> {
  return built('ModelAssociation', modelAssociationRef(bench, model), (builder) =>
    builder.modelAssociation(bench, model, {
      ...(priority === undefined ? {} : { priority }),
      compatibilityTest: demoCompatibilityTest(),
    }),
  );
}

export function datasetAssociation(bench: string, ds: string): Entity<'DatasetAssociation'> {
  return built('DatasetAssociation', datasetAssociationRef(bench, ds), (builder) =>
    builder.datasetAssociation(bench, ds, {
      compatibilityTest: compatibilityTest({ dataset: { source: 'demo', generatedUid: sha(`${ds}/uid`) } }),
    }),
  );
}

export function runner(ref: string, labels: string[], datasets: string[]): Entity<'Runner'> {
  return built('Runner', ref, (builder) => builder.runner(...ownerAndName(ref), { labels, datasets }));
}

/** A result recording `cubes` (preparator, model, metrics) and `generatedUid`, as benchmark-run writes it. */
export function result(
  bench: string,
  ds: string,
  model: string,
  cubes: CubeUsage[],
  generatedUid: string,
): Entity<'Result'> {
  return built('Result', resultRef(bench, ds, model), (builder) =>
    builder.result(bench, ds, model, { execution: { cubes, dataset: { generatedUid } } }),
  );
}

/** A git repository holding `registry/`; `commit` adds entities with a given commit time. */
export class RegistryRepo {
  private constructor(readonly root: string) {}

  static async create(): Promise<RegistryRepo> {
    const root = await mkdtemp(join(tmpdir(), 'gitperf-plan-'));
    await execa('git', ['init', '-q', '-b', 'main', root]);
    const repo = new RegistryRepo(root);
    await repo.write(registryBuilder().registry('t').registryFiles());
    return repo;
  }

  get registry(): string {
    return join(this.root, 'registry');
  }

  async write(files: Record<string, string>): Promise<void> {
    for (const [path, text] of Object.entries(files)) {
      const abs = join(this.registry, path);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, text);
    }
  }

  /** Writes the entities at their layout paths (the builder's); returns those paths. */
  async put(...entities: Entity[]): Promise<string[]> {
    const builder = registryBuilder();
    for (const entity of entities) builder.entity(entity);
    const files = builder.registryFiles();
    await this.write(files);
    return Object.keys(files);
  }

  /** Commits everything with committer and author time `epochSeconds`. */
  async commit(message: string, epochSeconds: number): Promise<void> {
    const date = `${epochSeconds} +0000`;
    const env = {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.org',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.org',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    };
    await execa('git', ['add', '-A'], { cwd: this.root });
    await execa('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: this.root, env });
  }

  async git(...args: string[]): Promise<string> {
    return String((await execa('git', args, { cwd: this.root })).stdout).trim();
  }

  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

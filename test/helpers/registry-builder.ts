/**
 * One typed builder for test registries. Entities are the generated types (`Entity<K>`), each method takes a
 * typed partial spec over sensible defaults, and every file lands at `entityPath()` of the one layout, so a
 * fixture can never drift from the path grammar. The result is a `Record<path, yamlText>` (for
 * MemoryFileSource and in-memory policy states), files on disk, or a bare git repository with one commit.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { stringify } from 'yaml';
import type { Entity, Kind } from '../../cli/src/registry/kinds.js';
import {
  datasetAssociationRef,
  modelAssociationRef,
  ownedRef,
  pairName,
  REGISTRY_REF,
  resultRef,
} from '../../cli/src/registry/kinds.js';
import { entityPath, REGISTRY_DIR } from '../../cli/src/registry/layout.js';
import { registeredHashes } from '../../cli/src/registry/registered-hashes.js';
import type {
  Benchmark,
  CompatibilityTest,
  CubeUsage,
  Dataset,
  DatasetAssociation,
  MLCube,
  ModelAssociation,
  Registry,
  Result,
  Runner,
  User,
} from '../../cli/src/registry/types.generated.js';

/** A well-formed sha256 digest built from a number, so fixtures are deterministic. */
export function fixtureHash(seed: number): string {
  return `sha256:${seed.toString(16).padStart(64, '0')}`;
}

export function cubeUsage(role: CubeUsage['role'], ref: string): CubeUsage {
  return { role, ref, hashes: { manifest: fixtureHash(7) } };
}

export function compatibilityTest(overrides: Partial<CompatibilityTest> = {}): CompatibilityTest {
  return {
    ranAt: '2026-11-01T10:00:00Z',
    runner: 'podman',
    gitperfVersion: '0.1.0',
    dataset: { source: 'demo', generatedUid: fixtureHash(9) },
    cubes: [cubeUsage('preparator', 'ana/bc-prep')],
    metrics: { auc: 0.9 },
    ...overrides,
  };
}

type Lookup = <K extends Kind>(kind: K, ref: string) => Entity<K> | undefined;

/**
 * What a run of `model` on `dataset` for `benchmark` records (`spec.execution.cubes` and `.dataset`), from
 * the entities `lookup` finds: the benchmark's preparator, the model and the metrics cube with the hashes a
 * run of them records, and the dataset's generatedUid, so a built result is current (the validator's
 * provenance rule). Entities not there fall back to fixed digests.
 */
export function resultProvenance(
  lookup: Lookup,
  benchmark: string,
  dataset: string,
  model: string,
): Pick<Result['spec']['execution'], 'cubes' | 'dataset'> {
  const bench = lookup('Benchmark', benchmark);
  const usage = (role: CubeUsage['role'], ref: string): CubeUsage => {
    const cube = lookup('MLCube', ref);
    return cube ? { role, ref, hashes: registeredHashes(cube.spec) } : cubeUsage(role, ref);
  };
  return {
    cubes: [
      usage('preparator', bench?.spec.preparator ?? 'ana/bc-prep'),
      usage('model', model),
      usage('metrics', bench?.spec.metrics ?? 'ana/bc-metrics'),
    ],
    dataset: { generatedUid: lookup('Dataset', dataset)?.spec.generatedUid ?? fixtureHash(3) },
  };
}

/** The ref of an entity, derived from its content the way its path is derived from the ref. */
export function refOfEntity(entity: Entity): string {
  switch (entity.kind) {
    case 'Registry':
      return REGISTRY_REF;
    case 'User':
    case 'Benchmark':
      return entity.metadata.name;
    case 'MLCube':
    case 'Dataset':
    case 'Runner':
      return ownedRef(entity.metadata.owner, entity.metadata.name);
    case 'ModelAssociation':
      return modelAssociationRef(entity.spec.benchmark, entity.spec.model);
    case 'DatasetAssociation':
      return datasetAssociationRef(entity.spec.benchmark, entity.spec.dataset);
    case 'Result':
      return resultRef(entity.spec.benchmark, entity.spec.dataset, entity.spec.model);
  }
}

type Spec<K extends Kind> = Entity<K>['spec'];
type Meta<K extends Kind> = Partial<Entity<K>['metadata']>;

export class RegistryBuilder {
  /** Registry-relative path → entity, in insertion order. */
  private readonly entities = new Map<string, Entity>();
  /** Repository path → raw text: files that are not entities, or deliberately broken ones. */
  private readonly rawFiles = new Map<string, string>();
  private hashSeed = 100;

  /** Adds (or replaces) any typed entity at its layout path. */
  entity(entity: Entity): this {
    this.entities.set(entityPath(entity.kind, refOfEntity(entity)), entity);
    return this;
  }

  /** A repository file kept byte for byte (workflows, schemas, broken YAML). */
  raw(repoPath: string, text: string): this {
    this.rawFiles.set(repoPath, text);
    return this;
  }

  /** The entity at a registry-relative path, for a scenario that edits the base. */
  get<K extends Kind>(kind: K, ref: string): Entity<K> | undefined {
    return this.entities.get(entityPath(kind, ref)) as Entity<K> | undefined;
  }

  registry(name = 'test', spec: Partial<Spec<'Registry'>> = {}): this {
    const registry: Registry = {
      apiVersion: 'gitperf/v1',
      kind: 'Registry',
      metadata: { name },
      spec: { bots: ['gitperf-bot'], ...spec },
    };
    return this.entity(registry);
  }

  user(login: string, spec: Spec<'User'> = {}): this {
    const user: User = { apiVersion: 'gitperf/v1', kind: 'User', metadata: { name: login }, spec };
    return this.entity(user);
  }

  mlcube(
    owner: string,
    name: string,
    spec: Partial<Spec<'MLCube'>> = {},
    metadata: Meta<'MLCube'> = {},
  ): this {
    const cube: MLCube = {
      apiVersion: 'gitperf/v1',
      kind: 'MLCube',
      metadata: { name, owner, ...metadata },
      spec: {
        manifest: { url: `examples/cubes/${name}/mlcube.yaml`, sha256: this.nextHash() },
        image: { reference: `localhost/${name}:1`, digest: this.nextHash() },
        state: 'operation',
        valid: true,
        ...spec,
      },
    };
    return this.entity(cube);
  }

  dataset(
    owner: string,
    name: string,
    spec: Partial<Spec<'Dataset'>> = {},
    metadata: Meta<'Dataset'> = {},
  ): this {
    const dataset: Dataset = {
      apiVersion: 'gitperf/v1',
      kind: 'Dataset',
      metadata: { name, owner, ...metadata },
      spec: {
        preparator: 'ana/bc-prep',
        inputDataHash: this.nextHash(),
        generatedUid: this.nextHash(),
        location: 'Hospital',
        statistics: { rows: 100 },
        state: 'operation',
        submittedAsPrepared: false,
        valid: true,
        ...spec,
      },
    };
    return this.entity(dataset);
  }

  runner(owner: string, name: string, spec: Partial<Spec<'Runner'>> = {}): this {
    const runner: Runner = {
      apiVersion: 'gitperf/v1',
      kind: 'Runner',
      metadata: { name, owner },
      spec: { labels: [name], datasets: [], ...spec },
    };
    return this.entity(runner);
  }

  benchmark(
    name: string,
    owner: string,
    spec: Partial<Spec<'Benchmark'>> = {},
    metadata: Meta<'Benchmark'> = {},
  ): this {
    const benchmark: Benchmark = {
      apiVersion: 'gitperf/v1',
      kind: 'Benchmark',
      metadata: { name, owner, ...metadata },
      spec: {
        committee: [owner],
        preparator: 'ana/bc-prep',
        referenceModel: 'ana/bc-logreg',
        metrics: 'ana/bc-metrics',
        demoDataset: {
          url: 'examples/data/demo/demo.tar.gz',
          sha256: fixtureHash(1),
          generatedUid: fixtureHash(2),
        },
        compatibilityTest: compatibilityTest(),
        policy: {
          modelAutoApproval: { mode: 'never' },
          datasetAutoApproval: { mode: 'never' },
          sharing: 'per-model',
          primaryMetric: 'auc',
          higherIsBetter: true,
        },
        state: 'operation',
        ...spec,
      },
    };
    return this.entity(benchmark);
  }

  modelAssociation(benchmark: string, model: string, spec: Partial<Spec<'ModelAssociation'>> = {}): this {
    const association: ModelAssociation = {
      apiVersion: 'gitperf/v1',
      kind: 'ModelAssociation',
      metadata: { name: pairName(model) },
      // priority before the compatibility test when given, as a participant writes it
      spec: {
        benchmark,
        model,
        ...(spec.priority === undefined ? {} : { priority: spec.priority }),
        compatibilityTest: compatibilityTest(),
        ...spec,
      },
    };
    return this.entity(association);
  }

  datasetAssociation(
    benchmark: string,
    dataset: string,
    spec: Partial<Spec<'DatasetAssociation'>> = {},
  ): this {
    const association: DatasetAssociation = {
      apiVersion: 'gitperf/v1',
      kind: 'DatasetAssociation',
      metadata: { name: pairName(dataset) },
      spec: { benchmark, dataset, compatibilityTest: compatibilityTest(), ...spec },
    };
    return this.entity(association);
  }

  /**
   * A result, current by default (see resultProvenance); `spec.execution` is merged over that default, so a
   * test can give only what it changes (the recorded cubes, the dataset's generatedUid).
   */
  result(
    benchmark: string,
    dataset: string,
    model: string,
    spec: Partial<Omit<Spec<'Result'>, 'execution'>> & {
      execution?: Partial<Spec<'Result'>['execution']>;
    } = {},
  ): this {
    const dataOwner = dataset.split('/')[0];
    const { execution, ...otherFields } = spec;
    const result: Result = {
      apiVersion: 'gitperf/v1',
      kind: 'Result',
      metadata: { name: pairName(model), owner: dataOwner },
      spec: {
        benchmark,
        model,
        dataset,
        metrics: { auc: 0.8 },
        partial: false,
        execution: {
          runner: 'podman',
          startedAt: '2026-11-02T10:00:00Z',
          finishedAt: '2026-11-02T10:05:00Z',
          gitperfVersion: '0.1.0',
          ...resultProvenance((kind, ref) => this.get(kind, ref), benchmark, dataset, model),
          ...execution,
        },
        ...otherFields,
      },
    };
    return this.entity(result);
  }

  /** Registry-relative path → YAML text of every entity (raw repository files are not included). */
  registryFiles(): Record<string, string> {
    return Object.fromEntries([...this.entities].map(([path, entity]) => [path, stringify(entity)]));
  }

  /** Repository path (`registry/…`) → text: every entity plus the raw files. */
  repositoryFiles(): Record<string, string> {
    const files: Record<string, string> = {};
    for (const [path, text] of Object.entries(this.registryFiles())) files[`${REGISTRY_DIR}/${path}`] = text;
    for (const [path, text] of this.rawFiles) files[path] = text;
    return files;
  }

  /** Writes the repository files under `root` (the registry lands in `root/registry/`). */
  async writeTo(root: string): Promise<void> {
    await writeFiles(root, this.repositoryFiles());
  }

  /** A bare repository with one commit on main holding the repository files; see `makeBareRepository`. */
  bareRepository(): Promise<BareRepository> {
    return makeBareRepository(this.repositoryFiles());
  }

  /** Deterministic, distinct digests in the order entities are added. */
  private nextHash(): string {
    return fixtureHash(this.hashSeed++);
  }
}

/** A new builder; `registry()` is not implied, so a test states every file it needs. */
export function registryBuilder(): RegistryBuilder {
  return new RegistryBuilder();
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

export interface BareRepository {
  /** The temp folder holding the repository (tests put caches and clones beside it). */
  dir: string;
  /** The bare repository. */
  bare: string;
  cleanup: () => Promise<void>;
}

/** The identity fixture commits are made with. */
export function gitEnv(login: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: login,
    GIT_AUTHOR_EMAIL: `${login}@example.org`,
    GIT_COMMITTER_NAME: login,
    GIT_COMMITTER_EMAIL: `${login}@example.org`,
  };
}

/** A bare repository with one commit on main holding `files`; the folder is removed by `cleanup`. */
export async function makeBareRepository(files: Record<string, string>): Promise<BareRepository> {
  const dir = await mkdtemp(join(tmpdir(), 'gitperf-forge-'));
  const bare = join(dir, 'registry.git');
  const work = join(dir, 'seed');
  await simpleGit().raw(['init', '--quiet', '--bare', '-b', 'main', bare]);
  await simpleGit().raw(['init', '--quiet', '-b', 'main', work]);
  await writeFiles(work, files);
  // The identity as config, not environment: simple-git refuses an environment carrying EDITOR and the like.
  const seed = simpleGit(work, { config: ['user.name=seed', 'user.email=seed@example.org'] });
  await seed.raw(['add', '-A']);
  await seed.raw(['commit', '--quiet', '-m', 'seed']);
  await seed.raw(['push', '--quiet', bare, 'main']);
  return { dir, bare, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A typed registry for plan tests, written to a temp folder that is a real git repository: entities are
 * built from the generated types, committed with chosen commit times (the plan's association ages).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import type { Entity } from '../../cli/src/registry/kinds.js';
import { entityPath } from '../../cli/src/registry/layout.js';
import type {
  Benchmark,
  CompatibilityTest,
  CubeUsage,
  Dataset,
  DatasetAssociation,
  MLCube,
  ModelAssociation,
  Result,
  Runner,
  User,
} from '../../cli/src/registry/types.generated.js';
import { refOfEntity } from '../helpers/registry-builder.js';

export const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

export function user(login: string): User {
  return { apiVersion: 'gitperf/v1', kind: 'User', metadata: { name: login }, spec: {} } as User;
}

export function cube(ref: string, opts: { image?: string; valid?: boolean } = {}): MLCube {
  const [owner, name] = ref.split('/');
  return {
    apiVersion: 'gitperf/v1',
    kind: 'MLCube',
    metadata: { name, owner },
    spec: {
      manifest: { url: `https://example.org/${ref}/mlcube.yaml`, sha256: sha(`${ref}/m`) },
      parameters: { url: `https://example.org/${ref}/parameters.yaml`, sha256: sha(`${ref}/p`) },
      image: { reference: `docker.io/${ref}:1`, digest: opts.image ?? sha(`${ref}/i`) },
      state: 'operation',
      valid: opts.valid ?? true,
    },
  };
}

/** The hashes a run of `c` records (what cube/registered-hashes.ts gives). */
export function hashesOf(c: MLCube): CubeUsage['hashes'] {
  return {
    manifest: c.spec.manifest.sha256,
    ...(c.spec.parameters ? { parameters: c.spec.parameters.sha256 } : {}),
    ...(c.spec.image?.digest ? { image: c.spec.image.digest } : {}),
  };
}

export function dataset(ref: string, generatedUid = sha(`${ref}/uid`), valid = true): Dataset {
  const [owner, name] = ref.split('/');
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Dataset',
    metadata: { name, owner },
    spec: {
      preparator: 'ana/prep',
      inputDataHash: sha(`${ref}/in`),
      generatedUid,
      location: 'Hospital',
      statistics: { cases: 10 },
      state: 'operation',
      submittedAsPrepared: false,
      valid,
    },
  };
}

function compat(uid: string): CompatibilityTest {
  return {
    ranAt: '2026-11-20T10:00:00Z',
    runner: 'podman',
    gitperfVersion: '0.1.0',
    dataset: { source: 'demo', generatedUid: uid },
    cubes: [{ role: 'model', ref: 'ana/ref', hashes: { manifest: sha('x') } }],
    metrics: { auc: 0.9 },
  };
}

export function benchmark(
  name: string,
  opts: { state?: 'operation' | 'development'; referenceModel?: string; metrics?: string } = {},
): Benchmark {
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Benchmark',
    metadata: { name, owner: 'ana' },
    spec: {
      committee: ['ana'],
      preparator: 'ana/prep',
      referenceModel: opts.referenceModel ?? 'ana/ref',
      metrics: opts.metrics ?? 'ana/metrics',
      demoDataset: {
        url: 'https://example.org/demo.tar.gz',
        sha256: sha('demo'),
        generatedUid: sha('demo-uid'),
      },
      compatibilityTest: compat(sha('demo-uid')),
      policy: {
        modelAutoApproval: { mode: 'never' },
        datasetAutoApproval: { mode: 'never' },
        sharing: 'full',
        primaryMetric: 'auc',
        higherIsBetter: true,
      },
      state: opts.state ?? 'operation',
    },
  };
}

export function modelAssociation(bench: string, model: string, priority?: number): ModelAssociation {
  const [owner, name] = model.split('/');
  return {
    apiVersion: 'gitperf/v1',
    kind: 'ModelAssociation',
    metadata: { name: `${owner}.${name}`, owner },
    spec: {
      benchmark: bench,
      model,
      ...(priority === undefined ? {} : { priority }),
      compatibilityTest: compat(sha('demo-uid')),
    },
  };
}

export function datasetAssociation(bench: string, ds: string): DatasetAssociation {
  const [owner, name] = ds.split('/');
  return {
    apiVersion: 'gitperf/v1',
    kind: 'DatasetAssociation',
    metadata: { name: `${owner}.${name}`, owner },
    spec: { benchmark: bench, dataset: ds, compatibilityTest: compat(sha(`${ds}/uid`)) },
  };
}

export function runner(ref: string, labels: string[], datasets: string[]): Runner {
  const [owner, name] = ref.split('/');
  return { apiVersion: 'gitperf/v1', kind: 'Runner', metadata: { name, owner }, spec: { labels, datasets } };
}

/** A result recording `cubes` (preparator, model, metrics) and `generatedUid`, as benchmark-run writes it. */
export function result(
  bench: string,
  ds: string,
  model: string,
  cubes: CubeUsage[],
  generatedUid: string,
): Result {
  const [mOwner, mName] = model.split('/');
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Result',
    metadata: { name: `${mOwner}.${mName}`, owner: ds.split('/')[0] },
    spec: {
      benchmark: bench,
      model,
      dataset: ds,
      metrics: { auc: 0.8 },
      partial: false,
      execution: {
        runner: 'podman',
        startedAt: '2026-11-23T10:00:00Z',
        finishedAt: '2026-11-23T10:00:42Z',
        gitperfVersion: '0.1.0',
        cubes,
        dataset: { generatedUid },
      },
    },
  };
}

/** Where an entity lives: the layout's `entityPath` of the entity's ref. */
export function pathOfEntity(entity: Entity): string {
  return entityPath(entity.kind, refOfEntity(entity));
}

/** A git repository holding `registry/`; `commit` adds entities with a given commit time. */
export class RegistryRepo {
  private constructor(readonly root: string) {}

  static async create(): Promise<RegistryRepo> {
    const root = await mkdtemp(join(tmpdir(), 'gitperf-plan-'));
    await execa('git', ['init', '-q', '-b', 'main', root]);
    const repo = new RegistryRepo(root);
    await repo.write({
      'registry.yaml':
        'apiVersion: gitperf/v1\nkind: Registry\nmetadata:\n  name: t\nspec:\n  bots:\n    - gitperf-bot\n',
    });
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

  async put(...entities: Entity[]): Promise<string[]> {
    const paths = entities.map(pathOfEntity);
    await this.write(Object.fromEntries(entities.map((e, i) => [paths[i], stringify(e)])));
    return paths;
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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsFileSource, MemoryFileSource } from '../../cli/src/registry/file-source.js';
import { KINDS, modelAssociationRef, resultRef } from '../../cli/src/registry/kinds.js';
import {
  benchmarkFolderOf,
  classifyPath,
  type EntityFolderScope,
  entityFolder,
  entityPath,
} from '../../cli/src/registry/layout.js';
import { loadRegistry } from '../../cli/src/registry/loader.js';
import { RegistryIndex } from '../../cli/src/registry/registry-index.js';
import { validateRegistry } from '../../cli/src/registry/validate.js';
// @ts-expect-error: plain ESM script without type declarations
import { generateRegistry } from '../../scripts/bench/gen-registry.mjs';
import { repoRoot } from '../helpers/cli.js';
import { FIXTURE } from './fixture.js';

describe('registry API', () => {
  it('loads the example registry into an index with typed entities', async () => {
    const { entities, diagnostics } = await loadRegistry(
      new FsFileSource(`${repoRoot}/registry`, 'registry'),
    );
    expect(diagnostics).toEqual([]);
    const index = new RegistryIndex(entities);
    for (const k of KINDS) expect(index.list(k).length, k).toBeGreaterThan(0);
    expect(index.registry()?.entity.spec.bots).toEqual(['gitperf-bot']);
    expect(index.admins().map((u) => u.ref)).toEqual(['ada']);
    const b = index.get('Benchmark', 'bc-diagnosis');
    expect(b?.entity.spec.committee).toEqual(['ana', 'raj']);
    expect(b?.file).toBe('registry/benchmarks/bc-diagnosis/benchmark.yaml');
    expect(index.get('ModelAssociation', modelAssociationRef('bc-diagnosis', 'lee/bc-centroid'))?.path).toBe(
      'benchmarks/bc-diagnosis/models/lee.bc-centroid.yaml',
    );
    expect(index.results('bc-diagnosis').length).toBeGreaterThanOrEqual(2);
    expect(
      index.get('Result', resultRef('bc-diagnosis', 'hospital-a/wdbc-a', 'ana/bc-logreg')),
    ).toBeDefined();
  });

  it('gives the line and column of any key or value', async () => {
    const src = new MemoryFileSource(FIXTURE);
    const { entities } = await loadRegistry(src, { paths: ['benchmarks/bench/benchmark.yaml'] });
    expect(entities.map((e) => e.path)).toEqual(['benchmarks/bench/benchmark.yaml']);
    const b = entities[0];
    expect(b.position(['spec', 'preparator'])).toEqual({ line: 9, column: 15 });
    expect(b.position(['spec', 'preparator'], 'key')).toEqual({ line: 9, column: 3 });
    expect(b.position(['spec', 'compatibilityTest', 'cubes', 1, 'ref'])).toEqual({ line: 29, column: 14 });
    // A missing property points at its nearest existing ancestor's key.
    expect(b.position(['spec', 'docsUrl'])).toEqual({ line: 6, column: 1 });
  });

  it('maps every kind to a path and back', () => {
    const refs: Record<string, string> = {
      Registry: 'registry',
      User: 'ada',
      MLCube: 'ana/prep',
      Dataset: 'hosp/data',
      Runner: 'hosp/runner',
      Benchmark: 'bench',
      ModelAssociation: 'bench:lee/model',
      DatasetAssociation: 'bench:hosp/data',
      Result: 'bench:hosp/data:lee/model',
    };
    for (const k of KINDS) {
      const path = entityPath(k, refs[k]);
      expect(FIXTURE[path], path).toBeDefined();
      expect(classifyPath(path)).toMatchObject({ kind: k, ref: refs[k], upperCase: false });
    }
    expect(classifyPath('users/a/b.yaml')).toBeUndefined();
  });

  it('names each folder of the layout as the folder of its entity paths', () => {
    const entitiesInFolders: [EntityFolderScope, Parameters<typeof entityPath>][] = [
      [{ kind: 'User' }, ['User', 'ada']],
      [{ kind: 'MLCube', owner: 'ana' }, ['MLCube', 'ana/prep']],
      [{ kind: 'Dataset', owner: 'hosp' }, ['Dataset', 'hosp/data']],
      [{ kind: 'Runner' }, ['Runner', 'hosp/runner']],
      [{ kind: 'Runner', owner: 'hosp' }, ['Runner', 'hosp/runner']],
      [{ kind: 'Benchmark', benchmark: 'bench' }, ['ModelAssociation', 'bench:lee/model']],
      [{ kind: 'ModelAssociation', benchmark: 'bench' }, ['ModelAssociation', 'bench:lee/model']],
      [{ kind: 'DatasetAssociation', benchmark: 'bench' }, ['DatasetAssociation', 'bench:hosp/data']],
      [{ kind: 'Result', benchmark: 'bench' }, ['Result', 'bench:hosp/data:lee/model']],
      [{ kind: 'Result', benchmark: 'bench', dataOwner: 'hosp' }, ['Result', 'bench:hosp/data:lee/model']],
      [{ kind: 'Result', benchmark: 'bench', dataset: 'hosp/data' }, ['Result', 'bench:hosp/data:lee/model']],
    ];
    for (const [scope, [kind, ref]] of entitiesInFolders)
      expect(entityPath(kind, ref).startsWith(`${entityFolder(scope)}/`), JSON.stringify(scope)).toBe(true);
    expect(entityFolder({ kind: 'Result', benchmark: '*', dataOwner: 'hosp' })).toBe(
      'benchmarks/*/results/hosp',
    );
    // The reverse for benchmark folders: every entity under a benchmark names its folder, others none.
    for (const [kind, ref] of [
      ['Benchmark', 'bench'],
      ['ModelAssociation', 'bench:lee/model'],
      ['DatasetAssociation', 'bench:hosp/data'],
      ['Result', 'bench:hosp/data:lee/model'],
    ] as const)
      expect(benchmarkFolderOf(entityPath(kind, ref))).toBe('bench');
    for (const path of [entityPath('User', 'lee'), 'benchmarks', 'benchmarks/README.md'])
      expect(benchmarkFolderOf(path)).toBeUndefined();
  });

  it('validates an in-memory source, symlinks included', async () => {
    const ok = await validateRegistry(new MemoryFileSource(FIXTURE));
    expect(ok).toMatchObject({ valid: true, diagnostics: [] });
    expect(ok.entities.Result).toBe(2);
    const bad = await validateRegistry(
      new MemoryFileSource({ ...FIXTURE, 'users/bob.yaml': { symlink: 'ana.yaml' } }),
    );
    expect(bad.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['file.symlink', 'registry/users/bob.yaml'],
    ]);
  });

  it('validates a change against a source without exists() by listing it', async () => {
    const files = {
      ...FIXTURE,
      'users/ana.yaml': FIXTURE['users/ana.yaml'].replace('organization', 'organisation'),
    };
    const src = new MemoryFileSource(files);
    const plain = {
      displayRoot: src.displayRoot,
      list: () => src.list(),
      read: (p: string, n: number) => src.read(p, n),
    };
    for (const s of [src, plain]) {
      const r = await validateRegistry(s, { changed: ['users/ana.yaml', 'users/lee.yaml'] });
      expect(r.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
        ['schema.additional-property', 'registry/users/ana.yaml', 6],
      ]);
      expect(r.entities.User).toBe(2);
    }
  });

  it('the benchmark generator makes a valid registry of exactly the size asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitperf-gen-'));
    try {
      const gen = generateRegistry(dir, 600);
      expect(gen.total).toBe(600);
      const r = await validateRegistry(new FsFileSource(dir));
      expect(r.diagnostics).toEqual([]);
      expect(Object.values(r.entities).reduce((a, b) => a + b, 0)).toBe(600);
      for (const k of KINDS) expect(r.entities[k], k).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

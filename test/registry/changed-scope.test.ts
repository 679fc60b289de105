// Validating a change without listing the registry (deletions and Benchmark/Dataset edits list only the
// folders that can hold the files they may break) must report exactly what the whole listing reports,
// from every kind of source: memory, a folder on disk, and a git commit read through the policy's view.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitFileSource } from '../../cli/src/policy/git-file-source.js';
import { changedPaths } from '../../cli/src/policy/git-tree.js';
import { GitView } from '../../cli/src/policy/view.js';
import { type FileSource, FsFileSource, MemoryFileSource } from '../../cli/src/registry/file-source.js';
import { validateRegistry } from '../../cli/src/registry/validate.js';
import { FIXTURE, put } from './fixture.js';

type Edit = Record<string, string | null | { symlink: string }>;
interface Scenario {
  name: string;
  edit: Edit;
  /** Whether the change is checked without the whole listing. */
  scoped: boolean;
  /** code + file of diagnostics that must be among those reported (the referrers). */
  expect: string[];
}

const R = 'registry/benchmarks/bench/results/hosp/data';
const scenarios: Scenario[] = [
  {
    name: 'a deleted model association: its results are re-checked',
    edit: { 'benchmarks/bench/models/lee.model.yaml': null },
    scoped: true,
    expect: [`ref.not-associated ${R}/lee.model.yaml`],
  },
  {
    name: 'a deleted dataset association: its results are re-checked',
    edit: { 'benchmarks/bench/datasets/hosp.data.yaml': null },
    scoped: true,
    expect: [`ref.not-associated ${R}/lee.model.yaml`, `ref.not-associated ${R}/ana.ref.yaml`],
  },
  {
    name: 'a deleted benchmark: everything under it is re-checked',
    edit: { 'benchmarks/bench/benchmark.yaml': null },
    scoped: true,
    expect: [
      'ref.unresolved registry/benchmarks/bench/models/lee.model.yaml',
      'ref.unresolved registry/benchmarks/bench/datasets/hosp.data.yaml',
      `ref.unresolved ${R}/lee.model.yaml`,
    ],
  },
  {
    name: "a deleted dataset: its owner's runner, associations and results are re-checked",
    edit: { 'datasets/hosp/data.yaml': null },
    scoped: true,
    expect: [
      'ref.unresolved registry/runners/hosp/runner.yaml',
      'ref.unresolved registry/benchmarks/bench/datasets/hosp.data.yaml',
      `ref.unresolved ${R}/ana.ref.yaml`,
    ],
  },
  {
    name: "a deleted runner: its owner's results are re-checked",
    edit: { 'runners/hosp/runner.yaml': null },
    scoped: true,
    expect: [`ref.unresolved ${R}/lee.model.yaml`, `ref.unresolved ${R}/ana.ref.yaml`],
  },
  {
    name: 'a benchmark whose preparator changes: its dataset associations are re-checked',
    edit: {
      'benchmarks/bench/benchmark.yaml': FIXTURE['benchmarks/bench/benchmark.yaml'].replace(
        '  preparator: ana/prep\n',
        '  preparator: ana/metrics\n',
      ),
    },
    scoped: true,
    expect: ['ref.preparator-mismatch registry/benchmarks/bench/datasets/hosp.data.yaml'],
  },
  {
    name: 'a dataset whose preparator changes: its associations are re-checked',
    edit: {
      'datasets/hosp/data.yaml': FIXTURE['datasets/hosp/data.yaml'].replace(
        '  preparator: ana/prep\n',
        '  preparator: ana/ref\n',
      ),
    },
    scoped: true,
    expect: ['ref.preparator-mismatch registry/benchmarks/bench/datasets/hosp.data.yaml'],
  },
  {
    name: 'a deleted result: nothing names it',
    edit: { 'benchmarks/bench/results/hosp/data/lee.model.yaml': null },
    scoped: true,
    expect: [],
  },
  {
    name: 'a deleted user: nearly any file may name one, so the registry is listed',
    edit: { 'users/lee.yaml': null },
    scoped: false,
    expect: ['ref.unknown-user registry/mlcubes/lee/model.yaml'],
  },
  {
    name: 'a deleted MLCube: the registry is listed',
    edit: { 'mlcubes/lee/model.yaml': null },
    scoped: false,
    expect: [`ref.unresolved ${R}/lee.model.yaml`],
  },
  {
    name: 'a file replaced by a symlink: the registry is listed and the symlink refused',
    edit: { 'users/hosp.yaml': { symlink: 'ada.yaml' } },
    scoped: false,
    expect: ['file.symlink registry/users/hosp.yaml'],
  },
];

const keyOf = (d: { code: string; file?: string; line?: number; message: string }) =>
  `${d.code} ${d.file}:${d.line} ${d.message}`;

/** A source that counts whole listings, to tell the scoped path from the fallback. */
function counting(source: FileSource): { source: FileSource; lists: () => number } {
  let lists = 0;
  const wrapped = Object.create(source) as FileSource;
  wrapped.list = () => {
    lists++;
    return source.list();
  };
  return { source: wrapped, lists: () => lists };
}

/** The same source without lookups: the reference behaviour (every change checked from the whole listing). */
function listingOnly(source: FileSource): FileSource {
  return { displayRoot: source.displayRoot, list: () => source.list(), read: (p, n) => source.read(p, n) };
}

function applied(edit: Edit): Record<string, string | { symlink: string }> {
  const files: Record<string, string | { symlink: string }> = { ...FIXTURE };
  for (const [path, v] of Object.entries(edit)) {
    if (v === null) delete files[path];
    else files[path] = v;
  }
  return files;
}

describe('validating a change from the folders it can affect', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gitperf-scope-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const git = (args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@x', '-c', 'commit.gpgsign=false', ...args],
      {
        cwd: join(tmp, 'git'),
        encoding: 'utf8',
      },
    ).trim();

  for (const [i, s] of scenarios.entries()) {
    it(s.name, async () => {
      const changed = Object.keys(s.edit);
      const files = applied(s.edit);
      const memory = new MemoryFileSource(files);
      const reference = await validateRegistry(listingOnly(memory), { changed });
      const want = reference.diagnostics.map(keyOf);
      const reported = reference.diagnostics.map((d) => `${d.code} ${d.file}`);
      for (const e of s.expect) expect(reported).toContain(e);
      if (s.expect.length === 0) expect(reference.valid).toBe(true);

      // On disk.
      const dir = join(tmp, `fs-${i}`, 'registry');
      for (const [path, v] of Object.entries(files)) {
        if (typeof v === 'string') put(dir, path, v);
        else symlinkSync(v.symlink, join(dir, path));
      }
      // In git: the fixture as the base commit, the edit as the head, read like the policy reads it.
      const repo = join(tmp, 'git');
      if (i === 0) {
        for (const [path, text] of Object.entries(FIXTURE)) put(join(repo, 'registry'), path, text);
        execFileSync('git', ['init', '-q', '-b', 'main', repo]);
        git(['add', '-A']);
        git(['commit', '-q', '-m', 'base']);
      }
      git(['checkout', '-q', '-B', `s${i}`, 'main']);
      for (const [path, v] of Object.entries(s.edit)) {
        rmSync(join(repo, 'registry', path), { force: true });
        if (typeof v === 'string') put(join(repo, 'registry'), path, v);
        else if (v) symlinkSync(v.symlink, join(repo, 'registry', path));
      }
      git(['add', '-A']);
      git(['commit', '-q', '-m', s.name]);
      const base = git(['rev-parse', 'main']);
      const head = git(['rev-parse', 'HEAD']);
      const view = new GitView(repo, head, {
        view: new GitView(repo, base),
        changes: changedPaths(repo, base, head),
      });

      for (const [name, source] of [
        ['memory', memory],
        ['disk', new FsFileSource(dir, 'registry')],
        ['git', new GitFileSource(view)],
      ] as const) {
        const c = counting(source);
        const r = await validateRegistry(c.source, { changed });
        expect(r.diagnostics.map(keyOf), name).toEqual(want);
        expect(r.entities, name).toEqual(reference.entities);
        expect(c.lists() === 0, `${name}: checked without the whole listing`).toBe(s.scoped);
      }
    });
  }
});

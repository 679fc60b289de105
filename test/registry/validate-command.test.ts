import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRegistry, patch, put } from './fixture.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});
function fixture() {
  const r = makeRegistry();
  cleanups.push(r.cleanup);
  return r;
}
const DUP = (dir: string) =>
  patch(dir, 'users/ana.yaml', '  organization: Org\n', '  organization: Org\n  organization: X\n');

describe('gitperf validate', () => {
  it('accepts the example registry and counts every kind (--json)', async () => {
    const r = await runCli(['validate', 'registry', '--json']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(true);
    expect(out.errors).toEqual([]);
    for (const kind of [
      'Registry',
      'User',
      'MLCube',
      'Dataset',
      'Benchmark',
      'ModelAssociation',
      'DatasetAssociation',
      'Result',
      'Runner',
    ]) {
      expect(out.entities[kind], kind).toBeGreaterThanOrEqual(1);
    }
    expect(out.entities.User).toBe(8);
    expect(out.entities.MLCube).toBe(5);
  });

  it('prints path:line:col: error CODE message by default and exits 1', async () => {
    const reg = fixture();
    DUP(reg.dir);
    const r = await runCli(['validate', 'registry'], { cwd: reg.root });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^registry\/users\/ana\.yaml:7:3: error yaml\.duplicate-key \S.*$/m);
    expect(r.stdout).toMatch(/^registry: 1 error \(/m);
  });

  it('prints GitHub annotations with --format github', async () => {
    const reg = fixture();
    DUP(reg.dir);
    const r = await runCli(['validate', 'registry', '--format', 'github'], { cwd: reg.root });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=registry\/users\/ana\.yaml,line=7,col=3,title=yaml\.duplicate-key::\S/m,
    );
  });

  it('defaults DIR to registry', async () => {
    const reg = fixture();
    const r = await runCli(['validate'], { cwd: reg.root });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^registry: valid \(16 entities\)$/m);
  });

  it.each([
    [['validate', 'no-such-dir']],
    [['validate', 'registry', '--format', 'xml']],
    [['validate', 'registry', '--no-such-flag']],
    [['validate', 'registry', '--changed-since', 'HEAD']], // not a git checkout
  ])('exits 2 on usage errors: %j', async (args) => {
    const reg = fixture();
    const r = await runCli(args, { cwd: reg.root });
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses a folder that is not a registry, pointing to the registry folder inside it', async () => {
    const reg = fixture();
    const atRoot = await runCli(['validate', '.', '--json'], { cwd: reg.root });
    expect(atRoot.exitCode).toBe(2);
    expect(JSON.parse(atRoot.stdout).error).toMatchObject({ code: 'validate.not-registry' });
    expect(JSON.parse(atRoot.stdout).error.message).toMatch(
      /^\. is not a registry folder .*; did you mean registry\?$/,
    );
    const elsewhere = await runCli(['validate', join(reg.root, 'registry', 'users')], { cwd: reg.root });
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toMatch(/is not a registry folder .*pass the registry folder/);
    expect(elsewhere.stderr.split('\n').filter(Boolean)).toHaveLength(1); // one line, not one per file
  });

  it('checks the same in worker threads as in one thread', async () => {
    const reg = fixture();
    DUP(reg.dir);
    patch(reg.dir, 'benchmarks/bench/benchmark.yaml', '  preparator: ana/prep\n', '  preparator: ana/nope\n');
    patch(reg.dir, 'mlcubes/lee/model.yaml', '  valid: true\n', '  valdi: true\n');
    rmSync(join(reg.dir, 'benchmarks/bench/models/lee.model.yaml'));
    const one = await runCli(['validate', 'registry', '--json'], {
      cwd: reg.root,
      env: { GITPERF_WORKERS: '0' },
    });
    const two = await runCli(['validate', 'registry', '--json'], {
      cwd: reg.root,
      env: { GITPERF_WORKERS: '2' },
    });
    expect(one.exitCode).toBe(1);
    expect(two.exitCode).toBe(1);
    const a = JSON.parse(one.stdout);
    expect(a.errors.length).toBeGreaterThanOrEqual(6);
    expect(JSON.parse(two.stdout)).toEqual(a);
  });
});

describe('gitperf validate --changed-since', () => {
  async function repo() {
    const reg = fixture();
    const git = simpleGit(reg.root);
    await git.init();
    await git.addConfig('user.email', 't@example.org');
    await git.addConfig('user.name', 'T');
    await git.add('.');
    await git.commit('registry');
    return { ...reg, git };
  }

  it('checks only the changed files: an unchanged broken file is not reported', async () => {
    const reg = await repo();
    DUP(reg.dir);
    await reg.git.add('.');
    await reg.git.commit('broken ana');
    patch(reg.dir, 'users/lee.yaml', '  organization: Org\n', '  organization: Lee Labs\n');
    const inc = await runCli(['validate', 'registry', '--changed-since', 'HEAD'], { cwd: reg.root });
    expect(inc.exitCode, inc.stdout + inc.stderr).toBe(0);
    expect(inc.stdout).toMatch(/^registry: valid \(1 changed file\)$/m);
    const full = await runCli(['validate', 'registry'], { cwd: reg.root });
    expect(full.exitCode).toBe(1);
  });

  it('reports an error in a changed file, and in an untracked new file', async () => {
    const reg = await repo();
    patch(reg.dir, 'mlcubes/lee/model.yaml', '  state: operation\n', '  state: operational\n');
    put(
      reg.dir,
      'users/zed.yaml',
      'apiVersion: gitperf/v1\nkind: User\nmetadata:\n  name: zed\nspec:\n  roles: [root]\n',
    );
    const r = await runCli(['validate', 'registry', '--changed-since', 'HEAD', '--json'], { cwd: reg.root });
    expect(r.exitCode).toBe(1);
    const errors = JSON.parse(r.stdout).errors.map((e: { code: string; file: string; line: number }) =>
      [e.code, e.file, e.line].join(' '),
    );
    expect(errors).toEqual([
      'schema.enum registry/mlcubes/lee/model.yaml 13',
      'schema.enum registry/users/zed.yaml 6',
    ]);
  });

  it('re-checks unchanged files that referred to a deleted entity', async () => {
    const reg = await repo();
    rmSync(join(reg.dir, 'mlcubes/lee/model.yaml'));
    const r = await runCli(['validate', 'registry', '--changed-since', 'HEAD', '--json'], { cwd: reg.root });
    expect(r.exitCode).toBe(1);
    const errors = JSON.parse(r.stdout).errors.map((e: { code: string; file: string; line: number }) =>
      [e.code, e.file, e.line].join(' '),
    );
    expect(errors).toEqual([
      'ref.unresolved registry/benchmarks/bench/models/lee.model.yaml 7',
      'ref.unresolved registry/benchmarks/bench/models/lee.model.yaml 22',
      'ref.unresolved registry/benchmarks/bench/results/hosp/data/lee.model.yaml 8',
      'ref.unresolved registry/benchmarks/bench/results/hosp/data/lee.model.yaml 26',
    ]);
  });

  it('re-checks the results of a deleted model association (listing only that benchmark)', async () => {
    const reg = await repo();
    rmSync(join(reg.dir, 'benchmarks/bench/models/lee.model.yaml'));
    const r = await runCli(['validate', 'registry', '--changed-since', 'HEAD', '--json'], { cwd: reg.root });
    expect(r.exitCode).toBe(1);
    const errors = JSON.parse(r.stdout).errors.map((e: { code: string; file: string; line: number }) =>
      [e.code, e.file, e.line].join(' '),
    );
    expect(errors).toEqual([
      'ref.not-associated registry/benchmarks/bench/results/hosp/data/lee.model.yaml 8',
    ]);
  });

  it('re-checks results that relied on the reference model when the benchmark changes it', async () => {
    const reg = await repo();
    patch(
      reg.dir,
      'benchmarks/bench/benchmark.yaml',
      '  referenceModel: ana/ref\n',
      '  referenceModel: ana/metrics\n',
    );
    const r = await runCli(['validate', 'registry', '--changed-since', 'HEAD', '--json'], { cwd: reg.root });
    expect(r.exitCode).toBe(1);
    const errors = JSON.parse(r.stdout).errors.map((e: { code: string; file: string; line: number }) =>
      [e.code, e.file, e.line].join(' '),
    );
    expect(errors).toEqual(['ref.not-associated registry/benchmarks/bench/results/hosp/data/ana.ref.yaml 8']);
  });
});

describe('gitperf validate --changed-since BASE --head REV (the commit, from git objects)', () => {
  async function repo() {
    const reg = fixture();
    const git = simpleGit(reg.root);
    await git.init(['--initial-branch=main']);
    await git.addConfig('user.email', 't@example.org');
    await git.addConfig('user.name', 'T');
    await git.add('.');
    await git.commit('registry');
    return { ...reg, git };
  }
  const codes = (stdout: string) =>
    JSON.parse(stdout).errors.map((e: { code: string; file: string; line: number }) =>
      [e.code, e.file, e.line].join(' '),
    );

  // Each change is validated twice: uncommitted (the working tree) and committed (--head): same findings.
  it.each([
    [
      'an edited file and a new one',
      (dir: string) => {
        patch(dir, 'mlcubes/lee/model.yaml', '  state: operation\n', '  state: operational\n');
        put(
          dir,
          'users/zed.yaml',
          'apiVersion: gitperf/v1\nkind: User\nmetadata:\n  name: zed\nspec:\n  roles: [root]\n',
        );
      },
    ],
    ['a deleted model', (dir: string) => rmSync(join(dir, 'mlcubes/lee/model.yaml'))],
    ['a deleted association', (dir: string) => rmSync(join(dir, 'benchmarks/bench/models/lee.model.yaml'))],
  ])('finds what the working-tree check finds: %s', async (_name, change) => {
    const reg = await repo();
    change(reg.dir);
    const workingTree = await runCli(['validate', 'registry', '--changed-since', 'HEAD', '--json'], {
      cwd: reg.root,
    });
    expect(workingTree.exitCode).toBe(1);
    await reg.git.add(['-A', '.']);
    await reg.git.commit('the change');
    // The working tree moves on (an unrelated broken edit, not committed): --head must not read it.
    DUP(reg.dir);
    const committed = await runCli(
      ['validate', 'registry', '--changed-since', 'HEAD~1', '--head', 'HEAD', '--json'],
      { cwd: reg.root },
    );
    expect(committed.exitCode, committed.stderr).toBe(1);
    expect(codes(committed.stdout)).toEqual(codes(workingTree.stdout));
    expect(codes(committed.stdout).join('\n')).not.toMatch(/users\/ana\.yaml/);
  });

  it('passes a valid commit, names the changed files only, and prints annotations', async () => {
    const reg = await repo();
    patch(reg.dir, 'users/lee.yaml', '  organization: Org\n', '  organization: Lee Labs\n');
    await reg.git.add('.');
    await reg.git.commit('lee moves');
    await reg.git.checkout(['-q', 'HEAD~1']); // the checkout is elsewhere: only git objects are read
    const ok = await runCli(['validate', 'registry', '--changed-since', 'main~1', '--head', 'main'], {
      cwd: reg.root,
    });
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^registry: valid \(1 changed file\)$/m);
    DUP(reg.dir);
    await reg.git.add('.');
    await reg.git.commit('broken ana');
    const bad = await runCli(
      ['validate', 'registry', '--changed-since', 'HEAD~1', '--head', 'HEAD', '--format', 'github'],
      { cwd: reg.root },
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(
      /^::error file=registry\/users\/ana\.yaml,line=7,col=3,title=yaml\.duplicate-key::/m,
    );
  });

  it.each([
    [['--head', 'HEAD'], /--changed-since/], // --head alone
    [['--changed-since', 'HEAD', '--head', 'no-such-rev'], /no-such-rev/],
  ])('exits 2 with a clear message: %j', async (flags, message) => {
    const reg = await repo();
    const r = await runCli(['validate', 'registry', ...flags], { cwd: reg.root });
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

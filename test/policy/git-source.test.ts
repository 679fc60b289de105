import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitFileSource } from '../../cli/src/policy/git-file-source.js';
import { changedPaths, GitView, listTree, readBlobs, resolveCommits } from '../../cli/src/policy/index.js';
import { validateRegistry } from '../../cli/src/registry/validate.js';
import { demoRegistry, P, render } from './helpers/registry.js';

describe('reading a registry from git objects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitperf-gitsource-'));
  let base = '';
  let head = '';
  beforeAll(async () => {
    const git = simpleGit(dir);
    await git.init(['-b', 'main']);
    await git.addConfig('user.name', 't').addConfig('user.email', 't@x').addConfig('commit.gpgsign', 'false');
    for (const [p, v] of demoRegistry()) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), render(v));
    }
    await git.add(['-A']);
    await git.commit('base');
    base = (await git.revparse(['HEAD'])).trim();
    // A symlink posing as a user file, a renamed cube, an edited one.
    symlinkSync('ada.yaml', join(dir, P.user('evil')));
    await git.mv(P.cube('kim/bc-stump'), P.cube('kim/bc-stump2'));
    writeFileSync(
      join(dir, P.cube('lee/bc-centroid')),
      `${render(demoRegistry().get(P.cube('lee/bc-centroid')) ?? '')}# x\n`,
    );
    await git.add(['-A']);
    await git.commit('head');
    head = (await git.revparse(['HEAD'])).trim();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves refs in one go and refuses unknown ones as usage errors', () => {
    expect(resolveCommits(dir, ['main~1', 'HEAD'])).toEqual([base, head]);
    expect(() => resolveCommits(dir, ['nope'])).toThrow(/not a commit/);
  });

  it('lists blobs with modes and reads them in one batch', () => {
    const entries = listTree(dir, head, 'registry/users');
    expect(entries.find((e) => e.path === P.user('evil'))?.mode).toBe('120000');
    const ada = entries.find((e) => e.path === P.user('ada'));
    expect(
      readBlobs(dir, [ada?.oid ?? ''])
        .get(ada?.oid ?? '')
        ?.toString(),
    ).toContain('kind: User');
  });

  it('splits renames into a deletion and an addition', () => {
    expect(changedPaths(dir, base, head).map((c) => [c.path, c.action])).toEqual([
      [P.cube('kim/bc-stump'), 'deleted'],
      [P.cube('kim/bc-stump2'), 'added'],
      [P.cube('lee/bc-centroid'), 'modified'],
      [P.user('evil'), 'added'],
    ]);
  });

  it('derives the head listing from the base and the diff exactly as ls-tree gives it', () => {
    const b = new GitView(dir, base);
    const derived = new GitView(dir, head, { view: b, changes: changedPaths(dir, base, head) });
    const listed = new GitView(dir, head);
    const key = (v: GitView) => v.entries.map((e) => `${e.mode} ${e.oid} ${e.path}`).sort();
    expect(key(derived)).toEqual(key(listed));
    expect(derived.has(P.user('evil'))).toBe(false); // a symlink is not a regular file
    expect(derived.get(P.cube('lee/bc-centroid'))?.data.kind).toBe('MLCube');
  });

  it('gives the registry validator a FileSource that shows symlinks for what they are', async () => {
    const src = new GitFileSource(new GitView(dir, head));
    const list = await src.list();
    expect(list.find((e) => e.path === 'users/evil.yaml')?.type).toBe('symlink');
    expect(new TextDecoder().decode(await src.read('users/ada.yaml', 1 << 20))).toContain('name: ada');
    const report = await validateRegistry(src, { changed: ['users/evil.yaml'] });
    expect(report.diagnostics.map((d) => d.code)).toContain('file.symlink');
  });
});

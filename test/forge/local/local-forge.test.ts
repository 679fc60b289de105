import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalForge } from '../../../cli/src/forge/local/local-forge.js';
import { codeOf } from '../../helpers/errors.js';
import { git, makeBareRegistry } from './helpers.js';

describe('local forge', () => {
  let reg: Awaited<ReturnType<typeof makeBareRegistry>>;
  beforeEach(async () => {
    reg = await makeBareRegistry();
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  const fileA = { path: 'registry/users/ana.yaml', content: 'name: ana\n' };

  it('opens a submission as refs in the registry repository, built on the default branch', async () => {
    const forge = await LocalForge.open({ registry: reg.bare, user: 'ana' });
    const main = await git(reg.bare, 'rev-parse', 'main');
    const s = await forge.openSubmission({
      title: 'Add user ana',
      body: 'adds ana',
      author: 'ana',
      files: [fileA],
    });
    expect(s).toMatchObject({
      number: 1,
      state: 'open',
      author: 'ana',
      base: 'main',
      baseSha: main,
      title: 'Add user ana',
    });
    expect(await git(reg.bare, 'rev-parse', 'refs/gitperf/pulls/1/head')).toBe(s.headSha);
    expect(await git(reg.bare, 'rev-parse', `${s.headSha}^`)).toBe(main);
    expect(await git(reg.bare, 'show', `${s.headSha}:registry/users/ana.yaml`)).toBe('name: ana');
    // The base file is still there: the head is base + the submitted files.
    expect(await git(reg.bare, 'show', `${s.headSha}:registry/registry.yaml`)).toBe('kind: Registry');
    const meta = JSON.parse(await git(reg.bare, 'show', 'refs/gitperf/pulls/1/meta:meta.json'));
    expect(meta).toMatchObject({ number: 1, author: 'ana', state: 'open', baseSha: main });
    // main did not move.
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(main);
  });

  it('opens an explicitly named branch once: a second submission from it is refused, even from two writers at once', async () => {
    const open = async (user: string, title: string) =>
      (await LocalForge.open({ registry: reg.bare, user })).openSubmission({
        title,
        body: '',
        author: user,
        files: [{ path: `registry/users/${user}.yaml`, content: `name: ${title}\n` }],
        branch: 'gitperf/run/job-1',
      });
    const results = await Promise.allSettled([
      open('ana', 'first'),
      open('raj', 'second'),
      open('ana', 'third'),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(await codeOf(Promise.reject(r.reason))).toBe('forge.branch-exists');
    const all = await (await LocalForge.open({ registry: reg.bare, user: 'ana' })).listSubmissions({
      state: 'all',
    });
    expect(all.map((s) => s.head)).toEqual(['gitperf/run/job-1']);
    expect(await git(reg.bare, 'rev-parse', 'refs/gitperf/branches/gitperf/run/job-1')).toBe(all[0].headSha);
    // Derived branch names are not claimed: the same title opens twice.
    const forge = await LocalForge.open({ registry: reg.bare, user: 'ana' });
    for (let i = 0; i < 2; i++)
      await forge.openSubmission({ title: 'Same title', body: '', author: 'ana', files: [fileA] });
  });

  it('offers its repository to the policy and records reviewers in the opening write', async () => {
    const forge = await LocalForge.open({ registry: reg.bare, user: 'ana' });
    expect(forge.recordsReviewersOnOpen).toBe(true);
    const s = await forge.openSubmission({
      title: 'Add user ana',
      body: '',
      author: 'ana',
      files: [fileA],
      requestedReviewers: ['raj', 'ada', 'raj'],
    });
    expect(s.requestedReviewers).toEqual(['raj', 'ada']);
    const repository = forge.localRepository;
    expect(await git(repository.gitDir, 'rev-parse', repository.submissionHeadRef(s.number))).toBe(s.headSha);
    expect(await repository.defaultBranchRef()).toBe('refs/heads/main');
    const both = await forge.getSubmissionAndReviews(s.number);
    expect(both).toEqual({ submission: s, reviews: [] });
  });

  it('deletes files and writes nested paths', async () => {
    const forge = await LocalForge.open({ registry: reg.bare, user: 'ada' });
    const s = await forge.openSubmission({
      title: 'x',
      body: '',
      author: 'ada',
      files: [
        { path: 'registry/registry.yaml', content: null },
        { path: 'registry/benchmarks/b/models/lee.c.yaml', content: 'a: 1\n' },
      ],
    });
    const tree = await git(reg.bare, 'ls-tree', '-r', '--name-only', s.headSha);
    expect(tree.split('\n')).toEqual(['registry/benchmarks/b/models/lee.c.yaml']);
  });

  it('records reviews against the head they were given on; a new push leaves them on the old head', async () => {
    const author = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const s = await author.openSubmission({ title: 't', body: '', author: 'lee', files: [fileA] });
    const ana = await LocalForge.open({ registry: reg.bare, user: 'ana' });
    const r1 = await ana.review(s.number, 'ana', 'APPROVE');
    expect(r1).toMatchObject({ reviewer: 'ana', state: 'APPROVED', commitSha: s.headSha });
    const pushed = await author.pushToSubmission(s.number, [
      { path: 'registry/users/ana.yaml', content: 'name: ana2\n' },
    ]);
    expect(pushed.headSha).not.toBe(s.headSha);
    const raj = await LocalForge.open({ registry: reg.bare, user: 'raj' });
    await raj.review(s.number, 'raj', 'REQUEST_CHANGES', 'please fix');
    const reviews = await ana.listReviews(s.number);
    expect(reviews.map((r) => [r.reviewer, r.state, r.commitSha])).toEqual([
      ['ana', 'APPROVED', s.headSha],
      ['raj', 'CHANGES_REQUESTED', pushed.headSha],
    ]);
    expect(reviews[1].body).toBe('please fix');
    expect(await codeOf(raj.review(s.number, 'raj', 'COMMENT'))).toBe('forge.review-body-required');
    // Identity is the forge's user: nobody reviews or submits in someone else's name.
    expect(await codeOf(ana.review(s.number, 'raj', 'APPROVE'))).toBe('forge.identity-mismatch');
    expect(await codeOf(ana.openSubmission({ title: 't', body: '', author: 'lee', files: [fileA] }))).toBe(
      'forge.identity-mismatch',
    );
    // Only the author can push.
    expect(await codeOf(ana.pushToSubmission(s.number, [fileA]))).toBe('forge.not-author');
  });

  it('merges with a merge commit carrying Approved-by trailers', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const s = await lee.openSubmission({ title: 'Add model', body: '', author: 'lee', files: [fileA] });
    const mainBefore = await git(reg.bare, 'rev-parse', 'main');
    const ada = await LocalForge.open({ registry: reg.bare, user: 'ada' });
    const { sha } = await ada.merge(s.number, {
      expectedHeadSha: s.headSha,
      title: 'Merge #1: Add model',
      trailers: ['Approved-by: ana', 'Approved-by: raj'],
    });
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(sha);
    expect((await git(reg.bare, 'rev-list', '--parents', '-n', '1', sha)).split(' ')).toEqual([
      sha,
      mainBefore,
      s.headSha,
    ]);
    const trailers = await git(reg.bare, 'log', '-1', '--format=%(trailers:key=Approved-by,valueonly)', sha);
    expect(trailers.split('\n')).toEqual(['ana', 'raj']);
    expect(await git(reg.bare, 'log', '-1', '--format=%an', sha)).toBe('ada');
    const after = await ada.getSubmission(s.number);
    expect(after).toMatchObject({ state: 'merged', mergedSha: sha });
    expect(await codeOf(ada.merge(s.number, { expectedHeadSha: s.headSha, title: 'x', trailers: [] }))).toBe(
      'forge.not-open',
    );
    expect(await ada.listSubmissions()).toHaveLength(0);
    expect(await ada.listSubmissions({ state: 'merged' })).toHaveLength(1);
  });

  it('refuses a merge when the head moved since the caller looked, and leaves main alone', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const s = await lee.openSubmission({ title: 't', body: '', author: 'lee', files: [fileA] });
    await lee.pushToSubmission(s.number, [{ path: 'extra.yaml', content: 'x\n' }]);
    const main = await git(reg.bare, 'rev-parse', 'main');
    const ada = await LocalForge.open({ registry: reg.bare, user: 'ada' });
    expect(await codeOf(ada.merge(s.number, { expectedHeadSha: s.headSha, title: 't', trailers: [] }))).toBe(
      'forge.head-moved',
    );
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(main);
    expect((await ada.getSubmission(s.number)).state).toBe('open');
  });

  it('refuses a merge when a push lands between the check and the ref update', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const s = await lee.openSubmission({ title: 't', body: '', author: 'lee', files: [fileA] });
    const main = await git(reg.bare, 'rev-parse', 'main');
    const ada = await LocalForge.open({
      registry: reg.bare,
      user: 'ada',
      beforeRefUpdate: async (what) => {
        if (what === 'merge')
          await lee.pushToSubmission(s.number, [{ path: 'late.yaml', content: 'late\n' }]);
      },
    });
    expect(await codeOf(ada.merge(s.number, { expectedHeadSha: s.headSha, title: 't', trailers: [] }))).toBe(
      'forge.head-moved',
    );
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(main);
  });

  it('merges on top of a base that moved, and refuses one that conflicts', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const a = await lee.openSubmission({
      title: 'a',
      body: '',
      author: 'lee',
      files: [{ path: 'a', content: 'a\n' }],
    });
    const b = await lee.openSubmission({
      title: 'b',
      body: '',
      author: 'lee',
      files: [{ path: 'b', content: 'b\n' }],
    });
    const c = await lee.openSubmission({
      title: 'c',
      body: '',
      author: 'lee',
      files: [{ path: 'a', content: 'c\n' }],
    });
    await lee.merge(a.number, { expectedHeadSha: a.headSha, title: 'a', trailers: [] });
    const { sha } = await lee.merge(b.number, { expectedHeadSha: b.headSha, title: 'b', trailers: [] });
    expect((await git(reg.bare, 'ls-tree', '--name-only', sha)).split('\n').sort()).toEqual([
      'a',
      'b',
      'registry',
    ]);
    expect(await codeOf(lee.merge(c.number, { expectedHeadSha: c.headSha, title: 'c', trailers: [] }))).toBe(
      'forge.merge-conflict',
    );
  });

  it('concurrent merges by two admins all land: a merge that lost the race re-merges on the new base', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const subs = [];
    for (const i of [1, 2, 3, 4])
      subs.push(
        await lee.openSubmission({
          title: `s${i}`,
          body: '',
          author: 'lee',
          files: [{ path: `f${i}`, content: `${i}\n` }],
        }),
      );
    const [ada, ana] = await Promise.all([
      LocalForge.open({ registry: reg.bare, user: 'ada' }),
      LocalForge.open({ registry: reg.bare, user: 'ana' }),
    ]);
    const merged = await Promise.all(
      subs.map((s, i) =>
        (i % 2 ? ada : ana).merge(s.number, { expectedHeadSha: s.headSha, title: s.title, trailers: [] }),
      ),
    );
    // Four merge commits in a row on main, each with its submission's head as second parent.
    const firstParents = (await git(reg.bare, 'rev-list', '--first-parent', 'main')).split('\n');
    expect(firstParents).toHaveLength(5);
    for (const [i, m] of merged.entries()) {
      expect(firstParents).toContain(m.sha);
      expect(await git(reg.bare, 'rev-parse', `${m.sha}^2`)).toBe(subs[i].headSha);
    }
    expect((await git(reg.bare, 'ls-tree', '--name-only', 'main')).split('\n').sort()).toEqual([
      'f1',
      'f2',
      'f3',
      'f4',
      'registry',
    ]);
    expect((await ada.listSubmissions({ state: 'merged' })).map((s) => s.number)).toEqual([1, 2, 3, 4]);
  });

  it('closes a submission unmerged; closed ones cannot be reviewed or merged', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const s = await lee.openSubmission({ title: 't', body: '', author: 'lee', files: [fileA] });
    const ana = await LocalForge.open({ registry: reg.bare, user: 'ana' });
    await ana.close(s.number);
    const closed = await ana.getSubmission(s.number);
    expect(closed.state).toBe('closed');
    expect(closed.mergedSha).toBeUndefined();
    expect((await ana.getMeta(s.number)).closedBy).toBe('ana');
    expect(await codeOf(ana.review(s.number, 'ana', 'APPROVE'))).toBe('forge.not-open');
    expect(await codeOf(ana.merge(s.number, { expectedHeadSha: s.headSha, title: 't', trailers: [] }))).toBe(
      'forge.not-open',
    );
    expect(await ana.listSubmissions({ state: 'closed' })).toHaveLength(1);
    expect(await ana.listSubmissions({ state: 'all' })).toHaveLength(1);
  });

  it('requests reviewers and records commit statuses by context', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const s = await lee.openSubmission({ title: 't', body: '', author: 'lee', files: [fileA] });
    await lee.requestReviewers(s.number, ['ana', 'raj']);
    await lee.requestReviewers(s.number, ['raj']);
    expect((await lee.getSubmission(s.number)).requestedReviewers).toEqual(['ana', 'raj']);
    await lee.setStatus(s.headSha, { state: 'pending', context: 'gitperf/policy', description: 'waiting' });
    await lee.setStatus(s.headSha, { state: 'success', context: 'gitperf/policy', description: 'pass' });
    await lee.setStatus(s.headSha, { state: 'failure', context: 'gitperf/validate', description: 'bad' });
    expect(await lee.listStatuses(s.headSha)).toEqual([
      { state: 'success', context: 'gitperf/policy', description: 'pass' },
      { state: 'failure', context: 'gitperf/validate', description: 'bad' },
    ]);
  });

  it('a mirror clone of the registry carries its submissions', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    const s = await lee.openSubmission({ title: 't', body: 'b', author: 'lee', files: [fileA] });
    await (await LocalForge.open({ registry: reg.bare, user: 'ana' })).review(s.number, 'ana', 'APPROVE');
    const mirror = `${reg.dir}/mirror.git`;
    await execa('git', ['clone', '--quiet', '--mirror', reg.bare, mirror]);
    const copy = await LocalForge.open({ registry: mirror, user: 'ana' });
    expect(await copy.getSubmission(1)).toMatchObject({ title: 't', headSha: s.headSha });
    expect((await copy.listReviews(1)).map((r) => r.reviewer)).toEqual(['ana']);
  });

  it('a working clone as the registry path means its origin; a clone without one is refused', async () => {
    const clone = `${reg.dir}/clone`;
    await execa('git', ['clone', '--quiet', reg.bare, clone]);
    const lee = await LocalForge.open({ registry: clone, user: 'lee' });
    const s = await lee.openSubmission({ title: 't', body: '', author: 'lee', files: [fileA] });
    // The submission is in the shared repository, not in the clone.
    expect(await git(reg.bare, 'rev-parse', 'refs/gitperf/pulls/1/head')).toBe(s.headSha);
    const lonely = `${reg.dir}/lonely`;
    await execa('git', ['init', '--quiet', lonely]);
    expect(await codeOf(LocalForge.open({ registry: lonely, user: 'x' }))).toBe('forge.registry-not-bare');
  });

  it('fails clearly on unknown submissions, bad paths and missing repositories', async () => {
    const lee = await LocalForge.open({ registry: reg.bare, user: 'lee' });
    expect(await codeOf(lee.getSubmission(7))).toBe('forge.submission-unknown');
    expect(
      await codeOf(
        lee.openSubmission({ title: 't', body: '', author: 'lee', files: [{ path: '../x', content: '' }] }),
      ),
    ).toBe('forge.path-invalid');
    expect(await codeOf(lee.openSubmission({ title: 't', body: '', author: 'lee', files: [] }))).toBe(
      'forge.empty-submission',
    );
    expect(await codeOf(LocalForge.open({ registry: `${reg.dir}/nope`, user: 'x' }))).toBe(
      'forge.registry-missing',
    );
  });
});

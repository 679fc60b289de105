import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitperfError } from '../../../cli/src/diagnostics/diagnostic.js';
import { LocalForge } from '../../../cli/src/forge/local/local-forge.js';
import { git, makeBareRegistry } from './helpers.js';

// A registry named by URL: each forge works in its own cache clone, fetches before reading and
// publishes with `git push --atomic --force-with-lease`, so clones on different machines share it.
describe('local forge over a git URL (clones pushing to the shared repository)', () => {
  let reg: Awaited<ReturnType<typeof makeBareRegistry>>;
  let url: string;
  const clone = (user: string, extra: Partial<Parameters<typeof LocalForge.open>[0]> = {}) =>
    LocalForge.open({ registry: url, user, cacheDir: join(reg.dir, `cache-${user}.git`), ...extra });
  beforeEach(async () => {
    reg = await makeBareRegistry();
    url = `file://${reg.bare}`;
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  it('reviews and merges through the shared repository; a merge racing a push is refused', async () => {
    const lee = await clone('lee');
    const ada = await clone('ada', {
      beforeRefUpdate: async (what) => {
        if (what === 'merge' && raced === false) {
          raced = true;
          await lee.pushToSubmission(1, [{ path: 'late', content: 'late\n' }]);
        }
      },
    });
    let raced: boolean | undefined; // undefined: no race yet wanted
    const s = await lee.openSubmission({
      title: 't',
      body: '',
      author: 'lee',
      files: [{ path: 'a', content: 'a\n' }],
    });
    await ada.review(s.number, 'ada', 'APPROVE');
    expect((await lee.listReviews(s.number)).map((r) => [r.reviewer, r.commitSha])).toEqual([
      ['ada', s.headSha],
    ]);
    raced = false;
    const main = await git(reg.bare, 'rev-parse', 'main');
    const refused = await ada
      .merge(s.number, { expectedHeadSha: s.headSha, title: 't', trailers: [] })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(GitperfError);
    expect((refused as GitperfError).diagnostic.code).toBe('forge.head-moved');
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(main);
    const head = (await ada.getSubmission(s.number)).headSha;
    const { sha } = await ada.merge(s.number, {
      expectedHeadSha: head,
      title: 'Merge #1',
      trailers: ['Approved-by: ada'],
    });
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(sha);
    expect(await git(reg.bare, 'log', '-1', '--format=%(trailers:key=Approved-by,valueonly)', 'main')).toBe(
      'ada',
    );
    expect((await lee.getSubmission(s.number)).state).toBe('merged');
  });

  it('fails clearly when the URL does not answer', async () => {
    const e = await LocalForge.open({
      registry: `file://${reg.dir}/nope.git`,
      user: 'x',
      cacheDir: join(reg.dir, 'c.git'),
    }).catch((x) => x);
    expect((e as GitperfError).diagnostic.code).toBe('forge.registry-missing');
  });
});

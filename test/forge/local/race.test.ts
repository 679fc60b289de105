import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalForge } from '../../../cli/src/forge/local/local-forge.js';
import { git, makeBareRegistry } from './helpers.js';

const worker = fileURLToPath(new URL('./submit-worker.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

type Registry = Awaited<ReturnType<typeof makeBareRegistry>>;
type OpenOptions = Parameters<typeof LocalForge.open>[0];

/**
 * The two ways a local forge reaches its registry: the bare repository's path (refs updated in place with
 * compare-and-swap), or a URL (each forge in its own cache clone, publishing with
 * `git push --atomic --force-with-lease`). The races must be lost safely in both.
 */
const forgeKinds = [
  {
    kind: 'served from the bare repository path',
    registryOf: (reg: Registry) => reg.bare,
    cacheDirOf: (_reg: Registry, _user: string): string | undefined => undefined,
  },
  {
    kind: 'over a git URL (each user in its own clone)',
    registryOf: (reg: Registry) => `file://${reg.bare}`,
    cacheDirOf: (reg: Registry, user: string): string | undefined => join(reg.dir, `cache-${user}.git`),
  },
];

describe.each(forgeKinds)('local forge $kind: races', ({ registryOf, cacheDirOf }) => {
  let reg: Registry;
  const open = (user: string, extra: Partial<OpenOptions> = {}) => {
    const cacheDir = cacheDirOf(reg, user);
    return LocalForge.open({ registry: registryOf(reg), user, ...(cacheDir ? { cacheDir } : {}), ...extra });
  };
  beforeEach(async () => {
    reg = await makeBareRegistry();
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  it('two processes submitting at once lose nothing: distinct numbers, every file kept', async () => {
    const runWorker = (user: string) =>
      execa('node', ['--import', 'tsx', worker, registryOf(reg), user, '6', cacheDirOf(reg, user) ?? ''], {
        cwd: repositoryRoot,
      });
    const [lee, kim] = await Promise.all([runWorker('lee'), runWorker('kim')]);
    const leeNumbers = (JSON.parse(String(lee.stdout)) as { numbers: number[] }).numbers;
    const kimNumbers = (JSON.parse(String(kim.stdout)) as { numbers: number[] }).numbers;
    expect([...leeNumbers, ...kimNumbers].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    // The shared repository holds all twelve (a head and a meta ref each), each head its own file on the base.
    const refs = (await git(reg.bare, 'for-each-ref', '--format=%(refname)', 'refs/gitperf/pulls/')).split(
      '\n',
    );
    expect(refs).toHaveLength(24);
    const forge = await open('ada');
    const submissions = await forge.listSubmissions();
    expect(submissions).toHaveLength(12);
    const files = new Set<string>();
    for (const submission of submissions) {
      const paths = (await git(reg.bare, 'ls-tree', '-r', '--name-only', submission.headSha)).split('\n');
      expect(paths).toHaveLength(2);
      const index = submission.title.split(' ')[2];
      const ownFile = `registry/users/${submission.author}-${index}.yaml`;
      expect(paths).toContain(ownFile);
      expect(await git(reg.bare, 'show', `${submission.headSha}:${ownFile}`)).toBe(
        `name: ${submission.author}-${index}`,
      );
      files.add(ownFile);
    }
    expect(files.size).toBe(12);
    // Reading #1 is not confused by #10..#12 (ref prefixes).
    for (const number of [1, 2, 10, 12]) expect((await forge.getSubmission(number)).number).toBe(number);
  });

  it('the loser of a numbering race retries and takes the next number', async () => {
    const kim = await open('kim');
    let interleaved = false;
    const lee = await open('lee', {
      beforeRefUpdate: async (what) => {
        // Exactly once, after lee has chosen number 1 and before lee's compare-and-swap, kim takes number 1.
        if (what === 'open' && !interleaved) {
          interleaved = true;
          await kim.openSubmission({
            title: 'kim',
            body: '',
            author: 'kim',
            files: [{ path: 'k', content: 'k\n' }],
          });
        }
      },
    });
    const submission = await lee.openSubmission({
      title: 'lee',
      body: '',
      author: 'lee',
      files: [{ path: 'l', content: 'l\n' }],
    });
    expect(submission.number).toBe(2);
    expect(lee.lostRaces).toBe(1);
    expect((await lee.getSubmission(1)).author).toBe('kim');
    expect(await git(reg.bare, 'show', `${submission.headSha}:l`)).toBe('l');
  });
});

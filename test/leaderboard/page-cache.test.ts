// The page cache of `leaderboard build`: a build that takes pages from the cache writes byte for byte what a
// build without any cache writes, and a benchmark is rendered again exactly when something its pages depend
// on changed (a result's content, in the work tree or committed; the commit that merged a file; a file that
// does not load; the view, the identities, how paths are shown).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type SiteBuild } from '../../cli/src/leaderboard/build-site.js';
import { PageCache, type PageContext } from '../../cli/src/leaderboard/page-cache.js';
import type { FileId } from '../../cli/src/leaderboard/read.js';
import { commitsFor } from '../../cli/src/leaderboard/source.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import { runCli } from '../helpers/cli.js';
import { BENCH, cloneBenchmark, editYaml, type Fixture, registryRepo } from './fixture.js';

const SECOND = 'bc-second';
let fx: Fixture;
let scratch: string;
beforeAll(() => {
  fx = registryRepo('gitperf-leaderboard-pages-');
  cloneBenchmark(fx.registry, SECOND, { results: true });
  fx.git('add', '.');
  fx.git('commit', '-qm', 'a second benchmark');
  scratch = mkdtempSync(join(tmpdir(), 'gitperf-page-cache-'));
});
afterAll(() => {
  rmSync(join(fx.root, '..'), { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

let outs = 0;
/** A build of the fixture's current state with the page cache under `home` (a fresh one: a cold build). */
async function build(home = mkdtempSync(join(scratch, 'home-'))): Promise<SiteBuild & { out: string }> {
  const out = join(scratch, `site-${++outs}`);
  const built = await buildSite({
    source: new FsFileSource(fx.registry, 'registry'),
    folder: fx.registry,
    parseCacheDir: join(home, 'parsed'),
    pageCacheDir: join(home, 'pages'),
    identities: [],
    view: 'public',
    commits: await commitsFor({ dir: fx.registry }),
    out,
  });
  return { ...built, out };
}

/** Every file of a folder, by relative path. */
function contents(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return out;
}

const page = (out: string, bench: string) => readFileSync(join(out, 'benchmarks', `${bench}.html`), 'utf8');
const result = (bench: string) =>
  join(fx.registry, 'benchmarks', bench, 'results', 'hospital-a', 'wdbc-a', 'lee.bc-centroid.yaml');

describe('leaderboard build with the page cache', () => {
  it('keeps its entries readable by their owner only; the site it writes is not', async () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const first = await build(home);
    const kept: string[] = [];
    const walk = (at: string): void => {
      for (const name of readdirSync(at)) {
        const path = join(at, name);
        if (statSync(path).isDirectory()) walk(path);
        else kept.push(path);
      }
    };
    walk(join(home, 'pages'));
    expect(kept.some((path) => path.endsWith('.html'))).toBe(true);
    for (const path of kept) expect(statSync(path).mode & 0o077, path).toBe(0);
    // A warm build copies kept pages into the site with the mode of any written file.
    const warm = await build(home);
    for (const [path] of contents(warm.out))
      expect(statSync(join(warm.out, path)).mode & 0o777).toBe(statSync(join(first.out, path)).mode & 0o777);
  });

  it('renders again only the benchmark whose inputs changed, and writes what a cold build writes', async () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const first = await build(home);
    expect(first.rendered.sort()).toEqual([BENCH, SECOND]);
    expect(first.benchmarks).toEqual([BENCH, SECOND]);

    const warm = await build(home);
    expect(warm.rendered).toEqual([]);
    expect(contents(warm.out)).toEqual(contents(first.out));

    // A result changed in the work tree (git does not name it): its benchmark only is rendered again.
    const original = readFileSync(result(SECOND));
    editYaml(result(SECOND), (doc) => {
      // Three cases moved from true positives to false negatives: the pooled sensitivity changes.
      doc.spec.sufficientStatistics.operatingPoint.tp -= 3;
      doc.spec.sufficientStatistics.operatingPoint.fn += 3;
    });
    const edited = await build(home);
    expect(edited.rendered).toEqual([SECOND]);
    expect(page(edited.out, SECOND)).not.toBe(page(first.out, SECOND));
    expect(page(edited.out, BENCH)).toBe(page(first.out, BENCH));
    expect(contents(edited.out)).toEqual(contents((await build()).out));

    // Committed: the same content, now merged by a new commit (provenance names it).
    fx.git('commit', '-qam', 'an edited result');
    const committed = await build(home);
    expect(committed.rendered).toEqual([SECOND]);
    expect(page(committed.out, SECOND)).toContain(fx.git('rev-parse', 'HEAD').slice(0, 12));
    expect(contents(committed.out)).toEqual(contents((await build()).out));

    // Back to the first content in a third commit: same blob ids as the first build, another commit.
    writeFileSync(result(SECOND), original);
    fx.git('commit', '-qam', 'the result as it was');
    const reverted = await build(home);
    expect(reverted.rendered).toEqual([SECOND]);
    expect(page(reverted.out, SECOND)).not.toBe(page(first.out, SECOND));
    expect(contents(reverted.out)).toEqual(contents((await build()).out));
    expect((await build(home)).rendered).toEqual([]);
  });

  it('reports the files that do not load on a warm build as on a cold one', async () => {
    const broken = join(
      fx.registry,
      'benchmarks',
      SECOND,
      'results',
      'hospital-b',
      'wdbc-b',
      'ana.bc-broken.yaml',
    );
    writeFileSync(broken, 'kind: Result\nspec: [\n');
    const stray = join(fx.registry, 'benchmarks', SECOND, 'notes.txt');
    writeFileSync(stray, 'not an entity\n');
    fx.git('add', '.');
    fx.git('commit', '-qm', 'a broken result');
    const home = mkdtempSync(join(scratch, 'home-'));
    const cold = await build(home);
    expect(cold.problems.map((p) => p.file)).toEqual(
      expect.arrayContaining([
        `registry/benchmarks/${SECOND}/notes.txt`,
        `registry/benchmarks/${SECOND}/results/hospital-b/wdbc-b/ana.bc-broken.yaml`,
      ]),
    );
    const warm = await build(home);
    expect(warm.rendered).toEqual([]);
    expect(warm.problems).toEqual(cold.problems);
    expect(contents(warm.out)).toEqual(contents(cold.out));
    rmSync(broken);
    rmSync(stray);
    fx.git('commit', '-qam', 'the broken result and the stray file removed');
    const fixed = await build(home);
    expect(fixed.rendered).toEqual([SECOND]);
    expect(fixed.problems).toEqual([]);
  });

  it('renders again a benchmark whose kept page is missing or whose entry is corrupt', async () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const cold = await build(home);
    const kept = (bench: string) => join(home, 'pages', bench);
    const keptFile = (bench: string, suffix: string) => {
      const name = readdirSync(kept(bench)).find((n) => n.endsWith(suffix));
      if (!name) throw new Error(`no kept ${suffix} for ${bench}`);
      return join(kept(bench), name);
    };
    rmSync(keptFile(BENCH, '.html'));
    writeFileSync(keptFile(SECOND, '.meta.json'), '{"version":1,');
    const again = await build(home);
    expect(again.rendered.sort()).toEqual([BENCH, SECOND]);
    expect(contents(again.out)).toEqual(contents(cold.out));
    expect(readdirSync(kept(BENCH))).toHaveLength(3);
    expect((await build(home)).rendered).toEqual([]);
  });

  it('keys pages by the view, the identities, how paths are shown, each blob and each merge commit', () => {
    const context: PageContext = {
      view: 'public',
      displayRoot: 'registry',
      identities: [],
      commits: new Map(),
    };
    const files: FileId[] = [{ path: 'benchmarks/b/benchmark.yaml', type: 'file', blobId: 'a'.repeat(40) }];
    const key = (changes: Partial<PageContext>, changedFiles = files) =>
      new PageCache(undefined, { ...context, ...changes }).keyOf('b', changedFiles);
    const keys = [
      key({}),
      key({ view: 'participants' }),
      key({ identities: ['AGE-SECRET-KEY-1X'] }),
      key({ displayRoot: 'other' }),
      key({ commits: new Map([['benchmarks/b/benchmark.yaml', 'c'.repeat(40)]]) }),
      key({}, [{ ...files[0], blobId: 'b'.repeat(40) }]),
      key({}, [{ ...files[0], type: 'symlink' }]),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(key({})).toBe(keys[0]);
  });
});

describe('leaderboard build as a whole process', () => {
  it('writes the same bytes warm as cold', async () => {
    const run = async (home: string, out: string) => {
      const r = await runCli(['leaderboard', 'build', '--out', out, '--dir', 'registry'], {
        cwd: fx.root,
        env: { GITPERF_HOME: home },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      return r;
    };
    const home = mkdtempSync(join(scratch, 'home-'));
    const cold = await run(home, join(scratch, 'cli-cold'));
    const warm = await run(home, join(scratch, 'cli-warm'));
    expect(readdirSync(join(home, 'cache', 'pages', 'leaderboard')).sort()).toEqual([BENCH, SECOND]);
    expect(contents(join(scratch, 'cli-warm'))).toEqual(contents(join(scratch, 'cli-cold')));
    expect(warm.stderr).toBe(cold.stderr);
  });
});

// The participants' view person by person, as whole processes on a git copy of the example registry
// (bc-diagnosis: sharing per-model, participants full, minCasesPerCell 20; models of ana, lee and kim
// on the datasets of hospital-a, -b and -c).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmt } from '../../cli/src/leaderboard/html.js';
import { runCli } from '../helpers/cli.js';
import { BENCH, type Fixture, registryRepo, SITE_NAMES, setPolicy } from './fixture.js';

interface Cell {
  state: string;
  value?: number;
}
interface JsonBoard {
  view: string;
  level: string;
  scope?: { login: string; role: string; refs: string[] };
  models: { model: string }[];
  matrix?: { datasets: string[]; rows: { model: string; cells: Cell[] }[] };
}

let fx: Fixture;
let home: string;
const env = () => ({ GITPERF_HOME: home });
beforeAll(() => {
  fx = registryRepo('gitperf-leaderboard-participants-');
  home = mkdtempSync(join(tmpdir(), 'gitperf-leaderboard-home-'));
});
afterAll(() => {
  rmSync(join(fx.root, '..'), { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

async function showJson(args: string[]): Promise<JsonBoard[]> {
  const r = await runCli(['leaderboard', 'show', '--dir', 'registry', '--format', 'json', ...args], {
    cwd: fx.root,
    env: env(),
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout).benchmarks;
}

/** Every per-site value of the full matrix, by model, as the pages print them. */
async function siteValues(): Promise<Map<string, string[]>> {
  const [full] = await showJson(['--view', 'participants']);
  const out = new Map<string, string[]>();
  for (const row of full.matrix?.rows ?? [])
    out.set(
      row.model,
      row.cells.filter((c) => c.value !== undefined).map((c) => fmt(c.value)),
    );
  return out;
}

describe('leaderboard show --as', () => {
  it("a model owner sees the public board and their own model's rows at the participants' level", async () => {
    const [publicBoard] = await showJson([]);
    const boards = await showJson(['--as', 'lee']);
    expect(boards.map((b) => b.scope?.role ?? 'public')).toEqual(['public', 'model owner']);
    // The public part is the public board, unchanged.
    expect(boards[0]).toEqual(publicBoard);
    const own = boards[1];
    expect(own).toMatchObject({
      view: 'participants',
      level: 'full',
      scope: { login: 'lee', refs: ['lee/bc-centroid'] },
    });
    expect(own.models.map((m) => m.model)).toEqual(['lee/bc-centroid']);
    expect(own.matrix?.rows.map((r) => r.model)).toEqual(['lee/bc-centroid']);
    expect(own.matrix?.datasets).toEqual(['hospital-a/wdbc-a', 'hospital-b/wdbc-b', 'hospital-c/wdbc-c']);
    expect(JSON.stringify(own)).not.toMatch(/ana\/bc-logreg|kim\/bc-stump/);
  });

  it("a data owner sees every model's rows on their own dataset only", async () => {
    const boards = await showJson(['--as', 'hospital-a']);
    expect(boards.map((b) => b.scope?.role ?? 'public')).toEqual(['public', 'data owner']);
    const own = boards[1];
    expect(own.matrix?.datasets).toEqual(['hospital-a/wdbc-a']);
    expect(own.models.map((m) => m.model).sort()).toEqual([
      'ana/bc-logreg',
      'kim/bc-stump',
      'lee/bc-centroid',
    ]);
    expect(JSON.stringify(own)).not.toMatch(/wdbc-b|wdbc-c|hospital-b|hospital-c/);
  });

  it('someone with nothing in the benchmark sees only the public board; the text view titles the own board', async () => {
    const nobody = await showJson(['--as', 'raj']);
    expect(nobody.map((b) => b.scope?.role ?? 'public')).toEqual(['public']);
    const text = await runCli(['leaderboard', 'show', '--dir', 'registry', '--as', 'lee'], {
      cwd: fx.root,
      env: env(),
    });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain("bc-diagnosis — @lee's own model lee/bc-centroid (participants' view)");
  });
});

describe('leaderboard show --mine', () => {
  it("is --as the local profile's user, reading the profile's registry from git", async () => {
    const profileHome = mkdtempSync(join(tmpdir(), 'gitperf-leaderboard-profile-'));
    try {
      // The local forge serves a bare repository.
      const bare = join(profileHome, 'registry.git');
      fx.git('clone', '-q', '--bare', fx.root, bare);
      writeFileSync(
        join(profileHome, 'config.yaml'),
        `current: hospital-b\nprofiles:\n  hospital-b: {forge: local, registry: ${bare}, user: hospital-b}\n`,
      );
      const r = await runCli(['leaderboard', 'show', '--mine', '--format', 'json'], {
        cwd: join(fx.root, '..'),
        env: { GITPERF_HOME: profileHome },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const boards: JsonBoard[] = JSON.parse(r.stdout).benchmarks;
      expect(boards.map((b) => b.scope?.role ?? 'public')).toEqual(['public', 'data owner']);
      expect(boards[1].matrix?.datasets).toEqual(['hospital-b/wdbc-b']);
    } finally {
      rmSync(profileHome, { recursive: true, force: true });
    }
  });
});

describe('leaderboard build --participants-out', () => {
  it('writes one page per participant apart from the public site; each shows its own rows and nothing more of others than the public page', async () => {
    const site = join(fx.root, '..', 'site');
    const people = join(fx.root, '..', 'people');
    const r = await runCli(
      ['leaderboard', 'build', '--out', site, '--dir', 'registry', '--participants-out', people],
      { cwd: fx.root, env: env() },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(
      readdirSync(people)
        .filter((f) => f.endsWith('.html'))
        .sort(),
    ).toEqual(['ana', 'hospital-a', 'hospital-b', 'hospital-c', 'kim', 'lee'].map((l) => `${l}.html`));
    // Nothing of the participants' pages in the public site.
    expect(readdirSync(site).sort()).toEqual(['.gitperf-leaderboard', 'benchmarks', 'index.html']);
    const publicPage = readFileSync(join(site, 'benchmarks', `${BENCH}.html`), 'utf8');
    const values = await siteValues();

    const lee = readFileSync(join(people, 'lee.html'), 'utf8');
    expect(lee).toContain('data-scope="model owner"');
    // lee's own per-site values and the sites' names, at the participants' level (full).
    for (const v of values.get('lee/bc-centroid') ?? []) expect(lee).toContain(v);
    for (const site of ['wdbc-a', 'wdbc-b', 'wdbc-c']) expect(lee).toContain(site);
    // Other models' per-site values only where the public page has them (its anonymous spread).
    for (const model of ['ana/bc-logreg', 'kim/bc-stump'])
      for (const v of values.get(model) ?? []) if (!publicPage.includes(v)) expect(lee).not.toContain(v);

    const hospitalA = readFileSync(join(people, 'hospital-a.html'), 'utf8');
    expect(hospitalA).toContain('data-scope="data owner"');
    expect(hospitalA).toContain('hospital-a/wdbc-a');
    // Other sites stay unnamed, as on the public page (per-model).
    for (const name of SITE_NAMES.filter((n) => !n.endsWith('-a'))) {
      expect(publicPage).not.toContain(name);
      expect(hospitalA).not.toContain(name);
    }
  });

  it('refuses a participants folder inside (or around) the public site', async () => {
    const site = join(fx.root, '..', 'site2');
    const r = await runCli(
      [
        'leaderboard',
        'build',
        '--out',
        site,
        '--dir',
        'registry',
        '--participants-out',
        join(site, 'people'),
      ],
      { cwd: fx.root, env: env() },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('leaderboard.participants-in-public-site');
    expect(existsSync(join(site, 'people'))).toBe(false);
  });

  it('without a published participants level nobody gets own rows', async () => {
    const other = registryRepo('gitperf-leaderboard-noparticipants-');
    try {
      setPolicy(other.registry, BENCH, { participants: undefined });
      const r = await runCli(
        ['leaderboard', 'show', '--dir', 'registry', '--format', 'json', '--as', 'lee'],
        {
          cwd: other.root,
          env: env(),
        },
      );
      expect(r.exitCode, r.stderr).toBe(0);
      const boards: JsonBoard[] = JSON.parse(r.stdout).benchmarks;
      expect(boards.map((b) => b.scope?.role ?? 'public')).toEqual(['public']);
    } finally {
      rmSync(join(other.root, '..'), { recursive: true, force: true });
    }
  });
});

/**
 * End to end: `gitperf demo` as a user runs it (the built CLI, local runner), then assertions on the
 * registry it leaves behind, read back from git: every entity merged with the approvals the policy
 * requires (the `Approved-by:` trailers of the merge commits), the rejected duplicate request closed
 * unmerged, a result for every approved (model, dataset) pair, the stump's partial result at hospital C.
 * Also the CI check of the example: the committed registry/ equals what the demo produced (timestamps
 * normalised; see cli/src/demo/example-registry.ts and scripts/regenerate-example-registry.mjs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareRegistries, exportRegistry } from '../../cli/src/demo/example-registry.js';
import { LocalForge } from '../../cli/src/forge/local/local-forge.js';
import { MAX_FILE_BYTES } from '../../cli/src/registry/yaml-file.js';
import { readIdentityFile } from '../../cli/src/trust/index.js';
import { toYaml } from '../../cli/src/workflows/atomic.js';
import { repoRoot, runCli } from '../helpers/cli.js';

let tmp: string;
let dir: string;
let bare: string;
let stdout: string;
let exitCode: number;

interface Merge {
  sha: string;
  number: number;
  author: string;
  approvedBy: string[];
  files: string[];
  /** Files the merge modified (rather than added). */
  modified: string[];
}
let merges: Merge[] = [];

/** The length of a run of bytes that counts as data leaving (the bound). */
const WINDOW = 16;
/** Every regular file below `folder` (none when it does not exist). */
function filesUnder(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const git = async (args: string[]) => String((await execa('git', ['-C', bare, ...args])).stdout);

/** The demo's committee member's age identity (the demo made it in its home). */
const committeeIdentities = async () => readIdentityFile(join(dir, 'home', 'keys', 'age', 'ana'));

/** The committee member's identity file (the demo made it in its home). */
const committeeIdentityFile = () => join(dir, 'home', 'keys', 'age', 'ana');

/** The exact plaintext of an age ciphertext, decrypted with the committee's identity by the real `age`. */
async function decryptedBytes(ciphertext: string): Promise<Buffer> {
  const out = await execa('age', ['-d', '-i', committeeIdentityFile()], {
    input: ciphertext,
    encoding: 'buffer',
  });
  return Buffer.from(out.stdout);
}

/** The metrics of an encrypted result, as the committee reads them (NaN stays the JSON string "NaN"). */
async function decrypted(result: { spec: { encrypted: { ciphertext: string } } }) {
  return JSON.parse((await decryptedBytes(result.spec.encrypted.ciphertext)).toString('utf8'))
    .metrics as Record<string, number | 'NaN'>;
}

/**
 * The measurements inside an encrypted result, in every form a reader sees them: the decrypted bytes (canonical
 * JSON), and the same data as YAML and as indented JSON (a run of data could hide behind an escape in one form).
 */
async function decryptedRenderings(ciphertext: string): Promise<Buffer[]> {
  const plaintext = await decryptedBytes(ciphertext);
  const measurements: unknown = JSON.parse(plaintext.toString('utf8'));
  return [
    plaintext,
    Buffer.from(toYaml(measurements), 'utf8'),
    Buffer.from(JSON.stringify(measurements, null, 2), 'utf8'),
  ];
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-e2e-'));
  dir = join(tmp, 'demo');
  bare = join(dir, 'registry.git');
  const r = await runCli(['demo', '--dir', dir], {
    env: { GITPERF_HOME: join(tmp, 'unused-home') },
    timeout: 300_000,
  });
  stdout = r.stdout;
  exitCode = r.exitCode;
  if (r.exitCode !== 0) throw new Error(`gitperf demo failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  const log = await git(['log', '--first-parent', '--format=%H%x00%an%x00%B%x1e', 'main']);
  for (const rec of log
    .split('\x1e')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [sha, author, body] = rec.split('\x00');
    const m = /^Merge #(\d+):/.exec(body);
    if (!m) continue;
    const status = (await git(['diff', '--name-status', `${sha}^1`, sha])).split('\n').filter(Boolean);
    // The regenerated CODEOWNERS rides along with user and benchmark submissions (checked on its own below).
    const files = status.map((l) => l.split('\t')[1]).filter((f) => f !== '.github/CODEOWNERS');
    const modified = status
      .filter((l) => l.startsWith('M'))
      .map((l) => l.split('\t')[1])
      .filter((f) => f !== '.github/CODEOWNERS');
    const approvedBy = [...body.matchAll(/^Approved-by: (\S+)$/gm)].map((x) => x[1]);
    merges.push({ sha, number: Number(m[1]), author, approvedBy, files, modified });
  }
  merges = merges.reverse();
}, 320_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The approvals the policy requires for a file added (or changed) by the demo's actors. */
function expectedApprovers(path: string, modified = false): string[] {
  // The committee changing a model's priority needs no approval.
  if (modified && /^registry\/benchmarks\/[^/]+\/models\//.test(path)) return [];
  if (/^registry\/benchmarks\/[^/]+\/benchmark\.yaml$/.test(path)) return ['ada'];
  if (/^registry\/benchmarks\/[^/]+\/models\//.test(path)) return ['raj'];
  if (/^registry\/benchmarks\/[^/]+\/datasets\//.test(path)) return ['ana'];
  // Results come from the hospitals' runners: hospital-c's runner has review consent (its owner approves
  // each result submission); hospital-a's and hospital-b's standing consent merges theirs without a review.
  if (/^registry\/benchmarks\/[^/]+\/results\/hospital-c\//.test(path)) return ['hospital-c'];
  // users (the only admin's own change), MLCubes, datasets, runners, standing-consent results, priority:
  // no approval needed
  return [];
}

describe('gitperf demo (end to end)', () => {
  it('announces each step on one line and prints the table and a summary per model', () => {
    expect(exitCode).toBe(0);
    const steps = stdout.split('\n').filter((l) => /^\[\s*\d+\] /.test(l));
    expect(steps.length).toBeGreaterThanOrEqual(30);
    for (const l of steps) expect(l).toMatch(/ \.\.\. .+ \(\d+\.\d s\)$/);
    expect(stdout).toMatch(
      /^model \\ dataset \(auc, higher is better\)\s+hospital-a\/wdbc-a\s+hospital-b\/wdbc-b\s+hospital-c\/wdbc-c$/m,
    );
    expect(stdout).toMatch(/^kim\/bc-stump\s+\S+\s+\S+\s+NaN \(partial\)$/m);
    expect(stdout).toMatch(/^ana\/bc-logreg \(reference model\): mean auc 0\.\d{4} over 3 dataset\(s\)$/m);
    expect(stdout).toMatch(
      /^kim\/bc-stump: mean auc 0\.\d{4} over 2 dataset\(s\); failed on 1 dataset\(s\): partial result$/m,
    );
  });

  it("runs the results through the hospitals' runners and the bot; a model approved later runs only its jobs", () => {
    const lines = stdout.split('\n');
    const passes = (site: string) =>
      lines.filter((l) =>
        new RegExp(`^\\[\\s*\\d+\\] runner hospital-${site}/runner-${site} \\(consent: `).test(l),
      );
    for (const site of ['a', 'b', 'c']) {
      const [first, second, ...more] = passes(site);
      expect(more).toEqual([]);
      expect(first).toMatch(
        / \.\.\. 2 jobs run \(ana\/bc-logreg, lee\/bc-centroid\), 2 results submitted: #\d+, #\d+ \(/,
      );
      expect(second).toMatch(/ \.\.\. 1 job run \(kim\/bc-stump\), 1 result submitted: #\d+/);
    }
    expect(passes('c')[1]).toMatch(/\(1 partial\)/);
    expect(passes('a')[0]).toContain('(consent: standing)');
    expect(passes('c')[0]).toContain('(consent: review)');
    // kim's association merges after the first passes, before the second.
    const kimMerged = lines.findIndex((l) => /raj approves and merges #\d+ \(kim\.bc-stump\)/.test(l));
    expect(kimMerged).toBeGreaterThan(lines.indexOf(passes('c')[0]));
    expect(kimMerged).toBeLessThan(lines.indexOf(passes('c')[1]));
    const bot = lines.filter((l) => /^\[\s*\d+\] bot: /.test(l));
    expect(bot.length).toBeGreaterThanOrEqual(3);
    // The first pass merges the standing-consent results and leaves hospital-c's waiting for its owner.
    expect(bot[0]).toMatch(/merged #\d+, #\d+, #\d+, #\d+ \(no review needed\)/);
    expect(bot[0]).toMatch(/#\d+, #\d+ waiting for @hospital-c/);
    expect(bot[1]).toMatch(/merged #\d+, #\d+ \(Approved-by: hospital-c\)/);
    expect(stdout).toMatch(
      /^\[\s*\d+\] hospital-c reviews what its runner submitted \(consent: review\) \.\.\. approved #\d+, #\d+ /m,
    );
    expect(stdout).not.toMatch(/submits the results of/);
  });

  it('ends by building the public leaderboard and printing the path of its index page', () => {
    const last = stdout.trim().split('\n').at(-1) ?? '';
    const index = join(dir, 'leaderboard', 'index.html');
    expect(last).toBe(`The public leaderboard: ${index}`);
    const page = readFileSync(join(dir, 'leaderboard', 'benchmarks', 'bc-diagnosis.html'), 'utf8');
    expect(page).toContain('<th scope="row">ana/bc-logreg</th>');
    // per-model sharing: no site is named on the public page.
    expect(page).not.toContain('hospital-a');
    // The results are encrypted: the demo built with the committee's identity, so every number is there
    // (a build that could not decrypt would list them as encrypted, not readable, and pool nothing).
    expect(page).not.toMatch(/not readable with the given identities/);
    const data = JSON.parse(
      readFileSync(join(dir, 'leaderboard', 'benchmarks', 'bc-diagnosis.json'), 'utf8'),
    ) as {
      notes: unknown[];
      models: { model: string; sites: number; cases: number; primary: { value: number } }[];
    };
    expect(data.notes).toEqual([]);
    expect(data.models.map((row) => row.model).sort()).toEqual([
      'ana/bc-logreg',
      'kim/bc-stump',
      'lee/bc-centroid',
    ]);
    for (const row of data.models) {
      expect(row.sites).toBeGreaterThanOrEqual(2);
      expect(row.cases).toBeGreaterThan(200);
      expect(row.primary.value).toBeGreaterThan(0.5);
    }
  });

  it('merged every entity with the approvals the policy requires (Approved-by trailers)', async () => {
    const tree = (await git(['ls-tree', '-r', '--name-only', 'main', 'registry']))
      .split('\n')
      .filter(Boolean);
    const added = new Map<string, Merge>();
    for (const m of merges) for (const f of m.files) if (!added.has(f)) added.set(f, m);
    for (const f of tree) {
      if (f === 'registry/registry.yaml' || f === 'registry/users/ada.yaml') continue; // written by init
      const m = added.get(f);
      expect(m, `${f} was merged through a submission`).toBeDefined();
      expect(m?.approvedBy.sort(), `approvals of ${f} (#${m?.number})`).toEqual(expectedApprovers(f));
    }
    // Every file of each merge needs the same approvals (one kind of change per submission here).
    for (const m of merges)
      for (const f of m.files)
        expect(m.approvedBy.sort(), f).toEqual(expectedApprovers(f, m.modified.includes(f)));
    const priority = merges.find((m) => m.modified.length > 0);
    expect(priority?.author).toBe('ana');
    expect(priority?.modified).toEqual(['registry/benchmarks/bc-diagnosis/models/lee.bc-centroid.yaml']);
    // Concrete: the benchmark by the admin, lee's association by a committee member who is not its author.
    const bench = merges.find((m) => m.files.includes('registry/benchmarks/bc-diagnosis/benchmark.yaml'));
    expect(bench?.approvedBy).toEqual(['ada']);
    const lee = merges.find((m) =>
      m.files.includes('registry/benchmarks/bc-diagnosis/models/lee.bc-centroid.yaml'),
    );
    expect(lee?.approvedBy).toEqual(['raj']);
    // One result submission per job, each opened by the hospital's runner and merged by the bot.
    const results = merges.filter((m) => m.files.some((f) => f.includes('/results/')));
    expect(results).toHaveLength(9);
    for (const m of results) expect(m.files, `#${m.number}`).toHaveLength(1);
    expect(merges.length).toBe(28);
  });

  it('leaves a CODEOWNERS that follows its users and committees (`gitperf codeowners --check` passes)', async () => {
    const clone = join(tmp, 'clone');
    await execa('git', ['clone', '-q', bare, clone]);
    const r = await runCli(['codeowners', '--check'], {
      cwd: clone,
      env: { GITPERF_HOME: join(tmp, 'unused-home') },
    });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('closed the rejected request without merging it', async () => {
    const forge = await LocalForge.open({ registry: bare, user: 'ada' });
    const all = await forge.listSubmissions({ state: 'all' });
    const closed = all.filter((s) => s.state === 'closed');
    expect(closed).toHaveLength(1);
    const rejected = closed[0];
    expect(rejected.author).toBe('kim');
    expect(rejected.mergedSha).toBeUndefined();
    expect(merges.map((m) => m.number)).not.toContain(rejected.number);
    // Its file is on main only through the request it duplicated (a commit with the same content may be shared).
    const log = await git(['log', '--format=%s', 'main']);
    expect(log).not.toMatch(new RegExp(`^Merge #${rejected.number}:`, 'm'));
    const reviews = await forge.listReviews(rejected.number);
    expect(reviews.some((r) => r.reviewer === 'raj' && r.state === 'CHANGES_REQUESTED')).toBe(true);
    expect(all.filter((s) => s.state === 'merged')).toHaveLength(merges.length);
  });

  it('has a result for every approved (model, dataset) pair, the failing one marked partial', async () => {
    const show = async (p: string) => parse(await git(['show', `main:${p}`]));
    const b = 'registry/benchmarks/bc-diagnosis';
    const tree = (await git(['ls-tree', '-r', '--name-only', 'main', b])).split('\n').filter(Boolean);
    const bench = await show(`${b}/benchmark.yaml`);
    const models = [bench.spec.referenceModel as string];
    const datasets: string[] = [];
    for (const f of tree) {
      if (f.startsWith(`${b}/models/`)) models.push((await show(f)).spec.model);
      if (f.startsWith(`${b}/datasets/`)) datasets.push((await show(f)).spec.dataset);
    }
    expect(models.sort()).toEqual(['ana/bc-logreg', 'kim/bc-stump', 'lee/bc-centroid']);
    expect(datasets.sort()).toEqual(['hospital-a/wdbc-a', 'hospital-b/wdbc-b', 'hospital-c/wdbc-c']);
    const results = tree.filter((f) => f.startsWith(`${b}/results/`));
    expect(results).toHaveLength(models.length * datasets.length);
    for (const m of models)
      for (const d of datasets) {
        const r = await show(`${b}/results/${d}/${m.replace('/', '.')}.yaml`);
        expect(r.spec.model).toBe(m);
        expect(r.spec.dataset).toBe(d);
        const failing = m === 'kim/bc-stump' && d === 'hospital-c/wdbc-c';
        expect(r.spec.partial, `${m} on ${d}`).toBe(failing);
        // Run by the hospital's own runner, not typed by hand, signed by it, and encrypted (per-model sharing)
        // to the committee, the data owner and (participants: full) the model owner.
        expect(r.spec.execution.runnerRef).toBe(`${d.split('/')[0]}/runner-${d.slice(-1)}`);
        expect(r.spec.signature).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
        expect(r.spec.metrics).toBeUndefined();
        expect(r.spec.encrypted.recipients).toEqual(
          [...new Set(['ana', 'raj', d.split('/')[0], m.split('/')[0]])].sort(),
        );
        const metrics = await decrypted(r);
        if (failing) expect(metrics.auc).toBe('NaN');
        else expect(metrics.auc).toBeGreaterThan(0.8);
      }
  });

  it("a model owner reads their own model's results with the real age CLI, and not another model's", async () => {
    const file = 'registry/benchmarks/bc-diagnosis/results/hospital-a/wdbc-a';
    const lee = parse(await git(['show', `main:${file}/lee.bc-centroid.yaml`]));
    const kim = parse(await git(['show', `main:${file}/kim.bc-stump.yaml`]));
    const identity = join(dir, 'home', 'keys', 'age', 'lee');
    const own = await execa('age', ['-d', '-i', identity], { input: lee.spec.encrypted.ciphertext });
    expect(JSON.parse(own.stdout).metrics.auc).toBeGreaterThan(0.8);
    const other = await execa('age', ['-d', '-i', identity], {
      input: kim.spec.encrypted.ciphertext,
      reject: false,
    });
    expect(other.exitCode).not.toBe(0);
    expect(other.stderr).toMatch(/no identity matched/);
  });

  it('validates the encrypted registry without any identity', async () => {
    const clone = join(tmp, 'clone-validate');
    await execa('git', ['clone', '-q', bare, clone]);
    const r = await runCli(['validate', 'registry', '--json'], {
      cwd: clone,
      env: { GITPERF_HOME: join(tmp, 'empty-home'), GITPERF_AGE_IDENTITY: '' },
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  it('the committed example registry/ is what the demo produces (timestamps normalised)', async () => {
    const out = join(tmp, 'exported');
    await exportRegistry(bare, out, 'main', await committeeIdentities());
    const diff = await compareRegistries(join(repoRoot, 'registry'), out);
    const hint = 'run `npm run build && node scripts/regenerate-example-registry.mjs` and commit registry/';
    expect(diff.onlyIn.expected, hint).toEqual([]);
    expect(diff.onlyIn.actual, hint).toEqual([]);
    expect(diff.differing, hint).toEqual([]);
    const text = await readFile(join(out, 'benchmarks/bc-diagnosis/benchmark.yaml'), 'utf8');
    expect(text).toMatch(/ranAt: 2026-01-01T00:00:00Z/);
  });

  it("sends nothing of the hospitals' data: every submission holds entity YAML only, no 16-byte run of data", async () => {
    // What a hospital must never publish: the raw exports, the prepared data and labels, the predictions.
    const sensitive = [
      ...filesUnder(join(repoRoot, 'examples', 'data', 'sites')),
      ...readdirSync(join(dir, 'sites')).flatMap((site) => {
        const home = join(dir, 'sites', site);
        const datasets = join(home, 'datasets');
        return [
          ...readdirSync(datasets).flatMap((name) => [
            ...filesUnder(join(datasets, name, 'data')),
            ...filesUnder(join(datasets, name, 'labels')),
          ]),
          ...filesUnder(join(home, 'predictions')),
        ];
      }),
    ];
    const sensitiveBytes = sensitive.map((file) => readFileSync(file));
    // The scan has something to find: three sites' exports, prepared copies and predictions.
    expect(sensitive.length).toBeGreaterThanOrEqual(12);
    expect(sensitiveBytes.reduce((total, bytes) => total + bytes.length, 0)).toBeGreaterThan(100_000);

    // Every blob any submission added or changed, on every branch of the bare repository (merged, open and
    // closed submissions alike); the root commit is the admin's bootstrap.
    const submitted = new Map<string, string>(); // object id -> path
    const commits = (await git(['rev-list', '--all', '--no-merges'])).split('\n').filter(Boolean);
    for (const sha of commits) {
      if ((await git(['rev-list', '--parents', '-n', '1', sha])).trim().split(' ').length === 1) continue;
      const raw = (await git(['diff-tree', '-r', '--no-commit-id', '--no-renames', '--raw', sha])).split(
        '\n',
      );
      for (const line of raw.filter(Boolean)) {
        const [meta, path] = line.split('\t');
        const oid = meta.split(' ')[3];
        if (!/^0+$/.test(oid)) submitted.set(oid, path);
      }
    }
    expect(submitted.size).toBeGreaterThan(20);
    // The local forge's own record of the submissions (titles, bodies, reviews) is meta.json on its metadata
    // ref: not an entity, but text that leaves too, so it is scanned with the rest.
    const paths = [...new Set(submitted.values())].filter((path) => path !== 'meta.json');
    expect(
      paths.filter((path) => !/^registry\/.+\.yaml$/.test(path) && path !== '.github/CODEOWNERS'),
    ).toEqual([]);

    /** Every run of WINDOW bytes of `bytes`, added to `into`. */
    const addWindows = (bytes: Buffer, into: Set<string>) => {
      for (let at = 0; at + WINDOW <= bytes.length; at++)
        into.add(bytes.subarray(at, at + WINDOW).toString('latin1'));
    };
    const windows = new Set<string>();
    // An encrypted result's measurements leave too, inside the ciphertext: each is decrypted (the committee is
    // a recipient of every one) and scanned as well, so the scan is not blind behind the encryption.
    let encryptedResults = 0;
    let decryptedScanned = 0;
    for (const [oid, path] of submitted) {
      const blob = Buffer.from(
        (await execa('git', ['-C', bare, 'cat-file', 'blob', oid], { encoding: 'buffer' })).stdout,
      );
      expect(blob.length, path).toBeLessThanOrEqual(MAX_FILE_BYTES);
      addWindows(blob, windows);
      if (!/^registry\/benchmarks\/[^/]+\/results\//.test(path)) continue;
      const ciphertext = (parse(blob.toString('utf8')) as { spec?: { encrypted?: { ciphertext?: string } } })
        ?.spec?.encrypted?.ciphertext;
      if (ciphertext === undefined) continue;
      encryptedResults++;
      for (const rendering of await decryptedRenderings(ciphertext)) addWindows(rendering, windows);
      decryptedScanned++;
    }
    // Every encrypted result submitted was opened and scanned: at least one per result on main (all of them are
    // encrypted under the demo's per-model sharing), and none skipped.
    const resultsOnMain = (await git(['ls-tree', '-r', '--name-only', 'main', 'registry/benchmarks']))
      .split('\n')
      .filter((path) => /\/results\/.+\.yaml$/.test(path));
    expect(resultsOnMain.length).toBeGreaterThan(5);
    expect(encryptedResults).toBeGreaterThanOrEqual(resultsOnMain.length);
    expect(decryptedScanned).toBe(encryptedResults);

    const leaksInto = (found: Set<string>, bytes: Buffer) => {
      for (let at = 0; at + WINDOW <= bytes.length; at++) {
        const run = bytes.subarray(at, at + WINDOW);
        if (found.has(run.toString('latin1'))) return run.toString('latin1');
      }
      return undefined;
    };
    const leaks = (bytes: Buffer) => leaksInto(windows, bytes);
    // The detector finds a planted run (so a pass below means something).
    windows.add(sensitiveBytes[0].subarray(0, WINDOW).toString('latin1'));
    expect(leaks(sensitiveBytes[0])).toBeDefined();
    windows.delete(sensitiveBytes[0].subarray(0, WINDOW).toString('latin1'));
    // And through the decrypted path: a run of data planted inside measurements encrypted to the committee is
    // found once decrypted (a JSON-safe run, so the canonical bytes hold it verbatim).
    const printable = (byte: number) => byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    const plantedAt = sensitiveBytes[0].findIndex(
      (_, at) =>
        [...sensitiveBytes[0].subarray(at, at + WINDOW)].every(printable) &&
        at + WINDOW <= sensitiveBytes[0].length,
    );
    expect(plantedAt).toBeGreaterThanOrEqual(0);
    const plantedRun = sensitiveBytes[0].subarray(plantedAt, plantedAt + WINDOW).toString('latin1');
    const planted = await execa('age', ['-e', '-a', '-i', committeeIdentityFile()], {
      input: JSON.stringify({ metrics: { auc: 0.5 }, sufficientStatistics: { note: plantedRun } }),
    });
    const plantedWindows = new Set<string>();
    for (const rendering of await decryptedRenderings(planted.stdout)) addWindows(rendering, plantedWindows);
    expect(leaksInto(plantedWindows, sensitiveBytes[0])).toBe(plantedRun);
    expect(
      sensitive.map((file, index) => [file, leaks(sensitiveBytes[index])]).filter(([, run]) => run),
    ).toEqual([]);
  });

  it('leaves a profile for every member, so they carry on with the CLI (committee-only priority enforced)', async () => {
    const env = { GITPERF_HOME: join(dir, 'home') };
    const list = await runCli(['submission', 'list', '--state', 'all', '--profile', 'ana', '--json'], {
      env,
    });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(list.stdout))).toMatch(/"number":29/);
    const args = [
      'association',
      'priority',
      '--benchmark',
      'bc-diagnosis',
      '--model',
      'kim/bc-stump',
      '--priority',
      '5',
    ];
    // The model's own owner may not order the models: only the committee.
    const kim = await runCli([...args, '--profile', 'kim'], { env });
    expect(kim.exitCode, kim.stderr).toBe(1);
    expect(kim.stderr).toMatch(/submission\.policy-fail .*policy\.priority-committee-only/);
    const raj = await runCli([...args, '--profile', 'raj', '--json'], { env });
    expect(raj.exitCode, raj.stderr).toBe(0);
    const out = JSON.parse(raj.stdout);
    expect(out).toMatchObject({ number: 30, status: 'pass', previous: 0 });
    expect(out.next).toBe('ready: `gitperf merge 30 --profile raj`');
  });

  it("result show decrypts with the reader's identity and shows only the envelope to others", async () => {
    const env = { GITPERF_HOME: join(dir, 'home') };
    const ref = ['--benchmark', 'bc-diagnosis', '--dataset', 'hospital-b/wdbc-b', '--model', 'kim/bc-stump'];
    const identity = (login: string) => ['--identity', join(dir, 'home', 'keys', 'age', login)];
    const kim = await runCli(['result', 'show', ...ref, ...identity('kim'), '--profile', 'kim', '--json'], {
      env,
    });
    expect(kim.exitCode, kim.stderr).toBe(0);
    expect(JSON.parse(kim.stdout)).toMatchObject({ readable: true, signedBy: 'hospital-b/runner-b' });
    expect(JSON.parse(kim.stdout).metrics.auc).toBeGreaterThan(0.8);
    // lee owns another model: the participants' level shows model owners only their own rows.
    const lee = await runCli(['result', 'show', ...ref, ...identity('lee'), '--profile', 'lee'], { env });
    expect(lee.exitCode, lee.stderr).toBe(0);
    expect(lee.stdout).toContain('metrics: encrypted, not readable with the given identities');
    expect(lee.stdout).toContain('encrypted (age) to: ana, hospital-b, kim, raj');
  });

  it('a committee member re-encrypts every result; another approves; the signatures still verify', async () => {
    const env = { GITPERF_HOME: join(dir, 'home') };
    const r = await runCli(
      ['result', 'reencrypt', '--benchmark', 'bc-diagnosis', '--all', '--profile', 'ana', '--json'],
      { env },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.changed).toHaveLength(9);
    expect(out.submission).toMatchObject({ status: 'pending', waitingFor: ['raj'] });
    const n = String(out.submission.number);
    expect((await runCli(['review', 'approve', n, '--profile', 'raj'], { env })).exitCode).toBe(0);
    const merged = await runCli(['merge', n, '--profile', 'ana'], { env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    const clone = join(tmp, 'clone-reencrypted');
    await execa('git', ['clone', '-q', bare, clone]);
    const validate = await runCli(['validate', 'registry'], {
      cwd: clone,
      env: { GITPERF_HOME: join(tmp, 'empty-home') },
    });
    expect(validate.exitCode, validate.stdout + validate.stderr).toBe(0);
    const verify = await runCli(['result', 'verify', '--registry', join(clone, 'registry')], {
      env: { GITPERF_HOME: join(tmp, 'empty-home') },
    });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('9 result(s): 9 signed, 0 unsigned, 0 invalid');
  });
});

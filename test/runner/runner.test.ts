/**
 * `gitperf runner start` as whole processes on a real local registry (built as the demo builds it), with
 * real cube runs (the example cubes, local runner in the bubblewrap sandbox): one submission per job
 * whatever happens (SIGKILL and Ctrl-C at any moment, two runner processes at once), datasets not
 * prepared here, cubes that no longer verify, and the Runner's consent in the policy.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalForge } from '../../cli/src/forge/local/local-forge.js';
import { runGit } from '../../cli/src/git/git.js';
import { givenConsent, registrySnapshot, setAssociationPriority } from '../../cli/src/participants/index.js';
import { evaluateSubmission, mergeSubmission, reviewSubmission } from '../../cli/src/submission/index.js';
import { cliBin } from '../helpers/cli.js';
import {
  BENCHMARK,
  buildRunnerRegistry,
  DATASETS,
  HOSPITAL,
  MODELS,
  machine,
  RUNNER,
  type RunnerRegistry,
} from './fixture.js';

let tmp: string;
let reg: RunnerRegistry;

/** The environment of a runner process on `home`: no runner chosen by the environment. */
const envOf = (home: string, extra: Record<string, string> = {}) => {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: '1' };
  delete env.GITPERF_RUNNER;
  return { ...env, GITPERF_HOME: home, ...extra };
};
const start = (home: string, args: string[] = [], extra: Record<string, string> = {}) =>
  execa('node', [cliBin, 'runner', 'start', '--profile', HOSPITAL, ...args], {
    env: envOf(home, extra),
    extendEnv: false,
    reject: false,
    timeout: 180_000,
  });
const once = (home: string, args: string[] = []) => start(home, ['--once', '--runner', 'local', ...args]);

const forge = () => LocalForge.open({ registry: reg.bare, user: HOSPITAL });
/** Every submission the runner opened, by branch. */
const runnerSubmissions = async () =>
  (await (await forge()).listSubmissions({ state: 'all' })).filter((s) => s.head.startsWith('gitperf/run/'));
const claims = async () =>
  (await runGit(['for-each-ref', '--format=%(refname)', 'refs/gitperf/branches/'], { cwd: reg.bare })).stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((ref) => ref.replace('refs/gitperf/branches/', ''));
const jobsOf = (datasets: readonly string[], models: readonly string[] = MODELS) =>
  datasets.flatMap((d) => models.map((m) => `${HOSPITAL}/${d} ${m}`)).sort();
/** `<dataset> <model>` of each runner submission, from its title. */
const submittedJobs = async () =>
  (await runnerSubmissions())
    .map((s) => /^Add the result of (\S+) on (\S+) \(/.exec(s.title))
    .map((m) => (m ? `${m[2]} ${m[1]}` : 'untitled'))
    .sort();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-runner-'));
  reg = await buildRunnerRegistry(join(tmp, 'reg'), 'review');
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('gitperf runner start: what may run cubes unattended', () => {
  it('refuses without podman or docker unless told --runner local, and then only with bubblewrap', async () => {
    const bin = join(tmp, 'bin-no-engines');
    await mkdir(bin, { recursive: true });
    for (const tool of ['node', 'git']) {
      const { stdout } = await execa('which', [tool]);
      await symlink(stdout.trim(), join(bin, tool));
    }
    const home = await machine(reg, 'no-engines', []);
    const plain = await start(home, ['--once'], { PATH: bin });
    expect(plain.exitCode).toBe(2);
    expect(plain.stderr).toContain('runner.needs-containers');
    expect(plain.stderr).toContain('--runner local');
    const local = await start(home, ['--once', '--runner', 'local'], { PATH: bin });
    expect(local.exitCode).toBe(2);
    expect(local.stderr).toContain('runner.unsandboxed');
    expect(await runnerSubmissions()).toEqual([]);
  }, 60_000);
});

describe('gitperf runner start: one submission per job', () => {
  it('two runner processes at once never submit a job twice; a dataset not prepared is said once, the others run', async () => {
    // Two machines of hospital-a with only wdbc-a prepared: wdbc-x's jobs cannot run there.
    const [m1, m2] = await Promise.all([
      machine(reg, 'two-1', ['wdbc-a']),
      machine(reg, 'two-2', ['wdbc-a']),
    ]);
    const [r1, r2] = await Promise.all([once(m1), once(m2)]);
    for (const r of [r1, r2]) {
      expect(r.exitCode, r.stderr).toBe(1); // wdbc-x's jobs did not run
      const said = r.stdout.split('\n').filter((l) => l.startsWith('not prepared') && l.includes('wdbc-x'));
      expect(said).toHaveLength(1);
      expect(said[0]).toContain('gitperf dataset prepare --preparator ana/bc-prep');
      expect(said[0]).toContain('--name wdbc-x --owner hospital-a');
    }
    expect(await submittedJobs()).toEqual(jobsOf(['wdbc-a']));
    const text = r1.stdout + r2.stdout;
    // Each job was submitted by exactly one of them; the other found it (before running or at the forge).
    expect(text.match(/^submitted /gm)).toHaveLength(2);
  }, 300_000);

  it('killed at any moment (SIGKILL or Ctrl-C) and started again, it converges to one submission per job', async () => {
    const home = await machine(reg, 'killed', ['wdbc-x']);
    let finished: Awaited<ReturnType<typeof once>> | undefined;
    const signals: string[] = [];
    for (let attempt = 0; attempt < 30 && !finished; attempt++) {
      const child = once(home);
      const signal = attempt % 3 === 2 ? 'SIGINT' : 'SIGKILL';
      // From before the first job starts to past the end of a whole pass, so every moment gets hit.
      const delay = Math.round(300 * 1.35 ** attempt);
      const timer = setTimeout(() => child.kill(signal), delay);
      const r = await child;
      clearTimeout(timer);
      if (r.exitCode === 0 || r.exitCode === 1) {
        // Ran to its end before the signal.
        finished = r;
      } else {
        // Killed, or stopped by Ctrl-C (130; before its handler was installed, node's default: the signal).
        expect(r.exitCode === 130 || r.signal === signal, `${r.exitCode} ${r.signal} ${r.stderr}`).toBe(true);
        signals.push(`${signal}@${delay}ms`);
      }
      // Never a branch claimed without its submission (the claim and the pull request are one ref write).
      const branches = new Set((await runnerSubmissions()).map((s) => s.head));
      expect((await claims()).filter((c) => !branches.has(c))).toEqual([]);
    }
    expect(signals.length).toBeGreaterThan(0);
    expect(finished?.exitCode, finished?.stdout).toBe(0);
    expect(await submittedJobs()).toEqual(jobsOf(DATASETS));
    expect(new Set((await runnerSubmissions()).map((s) => s.head)).size).toBe(4);
  }, 900_000);

  it('a machine with every dataset finds every job submitted; an unchanged registry is a pass with nothing to do', async () => {
    const home = await machine(reg, 'all');
    const first = await once(home);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.stdout.match(/already-submitted/g)?.length).toBeGreaterThan(0);
    expect(first.stdout).toContain('4 already-submitted');
    const second = await once(home);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('registry unchanged, nothing to do');
    expect(await runnerSubmissions()).toHaveLength(4);
    const json = await once(home, ['--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ runner: RUNNER, unchanged: true, ok: true, jobs: [] });
  }, 300_000);
});

describe('consent', () => {
  it('review: each result waits for the data owner; standing: the merged Runner is the consent', async () => {
    const [first, second] = await runnerSubmissions();
    const hospital = await reg.ctx(HOSPITAL);
    const before = await evaluateSubmission(hospital, first.number);
    expect(before.decision.status).toBe('pending');
    expect(before.decision.required.map((r) => [r.code, r.who])).toEqual([
      ['approval.data-owner', [HOSPITAL]],
    ]);
    expect(before.decision.required[0].why).toContain(`runner ${RUNNER}`);
    // The data owner's own approval is the consent (the runner opened it under the owner's login).
    await reviewSubmission(hospital, first.number, 'APPROVE');
    expect((await evaluateSubmission(hospital, first.number)).decision.status).toBe('pass');
    await mergeSubmission(hospital, first.number);

    // The owner gives standing consent: an edit of the Runner (self-service).
    const path = `registry/runners/${RUNNER}.yaml`;
    const text = (await runGit(['show', `main:${path}`], { cwd: reg.bare })).stdout.toString();
    expect(text).toContain('consent: review');
    const { submit, entityFile } = await import('../../cli/src/participants/index.js');
    const { parse } = await import('yaml');
    const runner = parse(text);
    runner.spec.consent = 'standing';
    const edit = await submit(
      { sub: hospital, home: reg.siteHome, runner: 'local', consent: givenConsent() },
      [entityFile(path, runner)],
    );
    expect(edit.status).toBe('pass');
    await mergeSubmission(hospital, edit.number);
    const after = await evaluateSubmission(hospital, second.number);
    expect(after.decision.status).toBe('pass');
    expect(after.decision.required).toEqual([]);
    await mergeSubmission(hospital, second.number);
  }, 120_000);
});

describe('gitperf runner start: failures', () => {
  it('a job whose cube no longer verifies is reported and not retried until the registry changes it', async () => {
    const home = await machine(reg, 'broken');
    const hospital = await reg.ctx(HOSPITAL);
    // A new model for the benchmark: two new jobs, whose cube this machine's copy of the registry breaks.
    const kim = {
      sub: await reg.ctx('kim'),
      home: reg.home,
      runner: 'local' as const,
      consent: givenConsent(),
      cwd: reg.clone,
    };
    const { submitMlcube, requestAssociation } = await import('../../cli/src/participants/index.js');
    const cube = await submitMlcube(kim, {
      name: 'bc-stump',
      manifest: 'examples/cubes/stump/mlcube.yaml',
      parameters: 'examples/cubes/stump/workspace/parameters.yaml',
      operational: true,
    });
    await mergeSubmission(kim.sub, cube.number);
    const assoc = await requestAssociation(kim, { benchmark: BENCHMARK, model: 'kim/bc-stump' });
    await reviewSubmission(await reg.ctx('raj'), assoc.number, 'APPROVE');
    await mergeSubmission(await reg.ctx('raj'), assoc.number);
    const snap = await registrySnapshot(hospital, home);
    await writeFile(join(snap.root, 'examples/cubes/stump/mlcube.yaml'), '# tampered\n');

    const first = await once(home);
    expect(first.exitCode).toBe(1);
    expect(first.stdout).toMatch(
      /failed +bc-diagnosis hospital-a\/wdbc-a kim\/bc-stump: resource\.hash-mismatch/,
    );
    expect(first.stdout.match(/^running .*kim\/bc-stump/gm)).toHaveLength(2);
    const memory = JSON.parse(
      await readFile(join(home, 'runners', HOSPITAL, 'runner-a', 'state.json'), 'utf8'),
    );
    expect(Object.values(memory.failures).map((f) => (f as { code: string }).code)).toEqual([
      'resource.hash-mismatch',
      'resource.hash-mismatch',
    ]);

    // The registry moves on (an unrelated change): the plan is read again, the broken jobs are not run.
    const priority = await setAssociationPriority(
      { sub: await reg.ctx('ana'), home: reg.home, runner: 'local', consent: givenConsent() },
      { benchmark: BENCHMARK, model: 'lee/bc-centroid', priority: 3 },
    );
    await mergeSubmission(await reg.ctx('ana'), priority.number);
    const second = await once(home);
    expect(second.exitCode).toBe(1);
    expect(second.stdout).not.toMatch(/^running /m);
    expect(second.stdout.match(/^failed before .*kim\/bc-stump/gm)).toHaveLength(2);
    expect((await runnerSubmissions()).some((s) => s.title.includes('kim/bc-stump'))).toBe(false);
  }, 300_000);
});

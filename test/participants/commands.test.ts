/**
 * The participants' commands as whole processes on a real local registry (bootstrapped like the demo's:
 * init logic, example cubes hosted in the repository, the consortium's users merged): what they record,
 * what they refuse, and consent.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFolderHash } from '../../cli/src/cube/index.js';
import { bootstrapRegistry, PACKAGE_EXAMPLES } from '../../cli/src/demo/bootstrap.js';
import { USERS } from '../../cli/src/demo/demo.js';
import { LocalForge } from '../../cli/src/forge/local/local-forge.js';
import { homeLayout } from '../../cli/src/infra/gitperf-home.js';
import { givenConsent } from '../../cli/src/participants/consent.js';
import { entityFile, localMemberKey, submit } from '../../cli/src/participants/index.js';
import { mergeSubmission, openLocalContext } from '../../cli/src/submission/index.js';
import { cubeAccess } from '../../cli/src/workflows/cube-access.js';
import { layout } from '../../cli/src/workflows/layout.js';
import { prepareDataset } from '../../cli/src/workflows/prepare-dataset.js';
import { runCli } from '../helpers/cli.js';

let tmp: string;
let clone: string;
let bare: string;
let home: string;

const cli = (args: string[], input?: string) =>
  runCli(args, { cwd: clone, env: { GITPERF_HOME: home }, input });
const count = async () =>
  (await (await LocalForge.open({ registry: bare, user: 'ada' })).listSubmissions({ state: 'all' })).length;
const sha = async (f: string) =>
  `sha256:${createHash('sha256')
    .update(await readFile(f))
    .digest('hex')}`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-participants-'));
  home = join(tmp, 'home');
  const reg = await bootstrapRegistry(join(tmp, 'demo'), home, ['ada', ...Object.keys(USERS)]);
  clone = reg.clone;
  bare = reg.bare;
  const ctx = await openLocalContext(bare, 'ada', homeLayout(home).userKey('ada'));
  // Each member registers the key their profile made (as the demo does), so their reviews count.
  const keys = await Promise.all(Object.keys(USERS).map((login) => localMemberKey(home, login)));
  const files = Object.entries(USERS).map(([login, spec], index) =>
    entityFile(`registry/users/${login}.yaml`, {
      apiVersion: 'gitperf/v1',
      kind: 'User',
      metadata: { name: login },
      spec: { ...spec, ...(keys[index] ? { sshKeys: [keys[index]] } : {}) },
    }),
  );
  const o = await submit({ sub: ctx, home, runner: 'local', consent: givenConsent() }, files);
  await mergeSubmission(ctx, o.number);
  // hospital-a's data, prepared with the preparator folder (as a hospital developing locally would).
  await prepareDataset(
    {
      preparator: join(PACKAGE_EXAMPLES, 'cubes', 'prep'),
      data: join(PACKAGE_EXAMPLES, 'data', 'sites', 'a', 'data'),
      labels: join(PACKAGE_EXAMPLES, 'data', 'sites', 'a', 'labels'),
      name: 'wdbc-a',
      owner: 'hospital-a',
    },
    { exec: cubeAccess({ runner: 'local', layout: layout(home) }), layout: layout(home) },
  );
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('gitperf mlcube submit', () => {
  it('records repository files by their repository path and real hash, and says what happens next', async () => {
    const r = await cli([
      'mlcube',
      'submit',
      '--name',
      'bc-metrics',
      '--manifest',
      'examples/cubes/metrics/mlcube.yaml',
      '--parameters',
      'examples/cubes/metrics/workspace/parameters.yaml',
      '--operational',
      '--profile',
      'ana',
      '--json',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.number).toBeGreaterThan(1);
    expect(out.status).toBe('pass');
    expect(out.next).toBe(`ready: \`gitperf merge ${out.number} --profile ana\``);
    expect(out.files).toEqual(['registry/mlcubes/ana/bc-metrics.yaml']);
    const spec = out.entity.spec;
    expect(spec.manifest).toEqual({
      url: 'examples/cubes/metrics/mlcube.yaml',
      sha256: await sha(join(PACKAGE_EXAMPLES, 'cubes', 'metrics', 'mlcube.yaml')),
      // Recorded with the hash: every later download of it stops at this size.
      size: statSync(join(PACKAGE_EXAMPLES, 'cubes', 'metrics', 'mlcube.yaml')).size,
    });
    expect(spec.parameters.sha256).toBe(
      await sha(join(PACKAGE_EXAMPLES, 'cubes', 'metrics', 'workspace', 'parameters.yaml')),
    );
    expect(spec.image).toEqual({ reference: 'gitperf/bc-metrics:0.1' }); // the manifest's, unpinned
    // The local runner's code: the manifest's folder, by the hash of its canonical tar.
    const code = await codeFolderHash(join(PACKAGE_EXAMPLES, 'cubes', 'metrics'));
    if (!code.ok) throw new Error('pack');
    expect(spec.code).toEqual({ url: 'examples/cubes/metrics/', sha256: code.value });
    expect(spec.state).toBe('operation');
    expect(out.entity.metadata.owner).toBe('ana');
  });

  it('records a file outside the repository as file:// with a warning; prints the number in text mode', async () => {
    const manifest = join(tmp, 'elsewhere.yaml');
    await writeFile(manifest, await readFile(join(PACKAGE_EXAMPLES, 'cubes', 'centroid', 'mlcube.yaml')));
    const r = await cli([
      'mlcube',
      'submit',
      '--name',
      'bc-centroid',
      '--manifest',
      manifest,
      '--image',
      `x/y:1@sha256:${'a'.repeat(64)}`,
      '--profile',
      'lee',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^opened submission #\d+: Add MLCube lee\/bc-centroid$/m);
    // The next step repeats the --profile the user gave, so it can be typed as shown.
    expect(r.stdout).toMatch(/^ {2}next: ready: `gitperf merge \d+ --profile lee`$/m);
    expect(r.stderr).toMatch(/resource\.local-only/);
  });

  it("submits MedPerf's container_config.yaml (image from the config), and refuses an encrypted one", async () => {
    const config = join(tmp, 'container_config.yaml');
    const text = await readFile(
      join(import.meta.dirname, '..', 'fixtures', 'medperf-cubes', 'centroid', 'container_config.yaml'),
      'utf8',
    );
    await writeFile(config, text);
    const r = await cli([
      'mlcube',
      'submit',
      '--name',
      'bc-centroid-cc',
      '--manifest',
      config,
      '--profile',
      'lee',
      '--json',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.entity.spec.image).toEqual({ reference: 'localhost/gitperf/bc-centroid:0.1' });
    expect(out.entity.spec.manifest.sha256).toBe(await sha(config));

    const before = await count();
    await writeFile(
      config,
      text.replace('container_type: DockerImage', 'container_type: EncryptedDockerArchive'),
    );
    const enc = await cli(['mlcube', 'submit', '--name', 'bc-enc', '--manifest', config, '--profile', 'lee']);
    expect(enc.exitCode).toBe(1);
    expect(enc.stderr).toContain(
      'encrypted containers need key exchange, which gitperf does not support yet',
    );
    expect(await count()).toBe(before);
  });

  it('refuses a manifest that is not an MLCube manifest, and a malformed digest, opening nothing', async () => {
    const before = await count();
    const bad = join(tmp, 'bad.yaml');
    await writeFile(bad, 'name: x\ntasks: 3\n');
    const r = await cli(['mlcube', 'submit', '--name', 'x', '--manifest', bad, '--profile', 'kim']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/mlcube\.manifest-invalid/);
    const d = await cli([
      'mlcube',
      'submit',
      '--name',
      'x',
      '--manifest',
      'examples/cubes/stump/mlcube.yaml',
      '--image',
      'a@sha256:zz',
      '--profile',
      'kim',
    ]);
    expect(d.exitCode, d.stderr).toBe(2);
    expect(d.stderr).toMatch(/mlcube\.image-invalid/);
    const m = await cli([
      'mlcube',
      'submit',
      '--name',
      'x',
      '--manifest',
      'no/such/file.yaml',
      '--profile',
      'kim',
      '--json',
    ]);
    expect(m.exitCode, m.stderr).toBe(1);
    expect(JSON.parse(m.stdout).error.code).toBe('resource.missing');
    expect(await count()).toBe(before);
  });
});

describe('gitperf mlcube submit without the additional files a task reads', () => {
  it('refuses (exit 2) naming the task, the input and the manifest line, opening nothing', async () => {
    const before = await count();
    const r = await cli([
      'mlcube',
      'submit',
      '--name',
      'bc-logreg-nofiles',
      '--manifest',
      'examples/cubes/logreg/mlcube.yaml',
      '--parameters',
      'examples/cubes/logreg/workspace/parameters.yaml',
      '--operational',
      '--profile',
      'ana',
      '--json',
    ]);
    expect(r.exitCode, r.stdout).toBe(2);
    const e = JSON.parse(r.stdout).error;
    expect(e).toMatchObject({
      code: 'mlcube.additional-files-missing',
      file: 'examples/cubes/logreg/mlcube.yaml',
    });
    expect(e.message).toMatch(
      /task infer reads additional_files\/weights\.csv \(input weights\).*--additional-files/,
    );
    const manifest = await readFile(join(clone, 'examples/cubes/logreg/mlcube.yaml'), 'utf8');
    expect(manifest.split('\n')[e.line - 1]).toMatch(/weights: additional_files\/weights\.csv/);
    expect(await count()).toBe(before);
  });
});

describe('names and logins given on the command line', () => {
  it('are checked before anything runs: usage errors (exit 2) naming the bad value', async () => {
    const bench = (committee: string) =>
      cli(
        ['benchmark', 'submit', '--name', 'bc-x', '--preparator', 'ana/bc-prep']
          .concat(['--reference-model', 'ana/bc-logreg', '--metrics', 'ana/bc-metrics'])
          .concat(['--demo-dataset', 'examples/data/demo/demo.tar.gz', '--committee', committee])
          .concat(['--profile', 'ana', '--runner', 'local', '--json']),
      );
    const bad = await bench('ana,Bad User');
    expect(bad.exitCode, bad.stdout).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      code: 'benchmark.committee-invalid',
      message: '--committee: "bad user" is not a valid login',
    });
    const unknown = await bench('ana,zed');
    expect(unknown.exitCode, unknown.stdout).toBe(2);
    expect(JSON.parse(unknown.stdout).error.code).toBe('benchmark.committee-unregistered');
    expect(JSON.parse(unknown.stdout).error.message).toMatch(
      /^--committee: user zed is not registered; .*gitperf user add/,
    );
    const runner = await cli([
      'runner',
      'register',
      '--name',
      'Bad_Name',
      '--dataset',
      'wdbc-a',
      '--profile',
      'hospital-a',
    ]);
    expect(runner.exitCode, runner.stderr).toBe(2);
    expect(runner.stderr).toMatch(/runner\.name-invalid "Bad_Name" is not a valid runner name/);
  });
});

describe('gitperf dataset register', () => {
  it('refuses to register another owner\u2019s dataset', async () => {
    const r = await cli(['dataset', 'register', 'wdbc-a', '-y', '--profile', 'hospital-b']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/dataset\.not-owner/);
  });

  it('refuses a dataset whose preparator is not registered before asking for consent (nothing shown, nothing sent)', async () => {
    // wdbc-a was prepared with the preparator folder (local/bc-prep): the policy's forecast of such a
    // submission fails on the unresolved reference, so it is refused before consent is asked (it could
    // never merge), with or without -y.
    const before = await count();
    for (const consentFlags of [[], ['-y']]) {
      const r = await cli(['dataset', 'register', 'wdbc-a', ...consentFlags, '--profile', 'hospital-a']);
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(/consent\.required|everything that will be published/);
      expect(r.stderr).toMatch(
        /^registry\/datasets\/hospital-a\/wdbc-a\.yaml:\d+: error submission\.policy-fail .*ref\.unresolved: preparator "local\/bc-prep" does not exist/m,
      );
    }
    expect(await count()).toBe(before);
  });
});

describe('gitperf runner register and association requests', () => {
  it('refuse what the registry does not hold yet, with a message saying what to do first', async () => {
    const r = await cli([
      'runner',
      'register',
      '--name',
      'runner-a',
      '--dataset',
      'wdbc-a',
      '--profile',
      'hospital-a',
    ]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/runner\.dataset-unregistered .*gitperf dataset register/);
    const a = await cli([
      'association',
      'request',
      '--benchmark',
      'bc-diagnosis',
      '--model',
      'lee/bc-centroid',
      '--profile',
      'lee',
      '--runner',
      'local',
    ]);
    expect(a.exitCode, a.stderr).toBe(1);
    expect(a.stderr).toMatch(/benchmark\.not-found/);
    const both = await cli([
      'association',
      'request',
      '--benchmark',
      'b',
      '--model',
      'a/b',
      '--dataset',
      'c/d',
      '--profile',
      'lee',
    ]);
    expect(both.exitCode, both.stderr).toBe(2);
  });
});

describe('gitperf user age-key', () => {
  it('makes the identity (0600) and submits its recipient to the member’s User entity, for an admin to approve', async () => {
    const before = await count();
    const r = await cli(['user', 'age-key', '--profile', 'lee', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ login: 'lee', created: true, registered: true, alreadyPublished: false });
    expect(out.identityFile).toBe(homeLayout(home).ageIdentity('lee'));
    expect(statSync(out.identityFile).mode & 0o077).toBe(0);
    expect(out.recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    expect(out.submission).toMatchObject({ status: 'pending', waitingFor: ['ada'] });
    expect(out.submission.files).toEqual(['registry/users/lee.yaml']);
    expect(await count()).toBe(before + 1);
    // The identity file is the one `age -d -i` reads; asking again reuses it.
    const again = await cli(['user', 'age-key', '--profile', 'lee', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: false, recipient: out.recipient });
  });
});

/**
 * `gitperf user add` as the admin runs it, on a registry made by `gitperf init --local --with-examples`:
 * one submission adding a User file per login, merged by the only admin; and the usage errors (exit 2)
 * for a bad login, a login already registered, and a per-person flag given for several logins.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../helpers/cli.js';

let workdir: string;
let env: Record<string, string>;
const clone = () => join(workdir, 'consortium');

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'gitperf-user-add-'));
  env = { GITPERF_HOME: join(workdir, 'home') };
  const init = await runCli(
    ['init', 'consortium', '--local', '--with-examples', '--admin', 'ada', '--profile-name', 'ada'],
    { cwd: workdir, env },
  );
  expect(init.exitCode, init.stderr).toBe(0);
  expect(init.stdout).toContain('gitperf user add LOGIN... --profile ada');
});

afterAll(async () => {
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

describe('gitperf init --with-examples', () => {
  it('hosts the example cubes and the demo tarball, committed, but no hospital data', async () => {
    await access(join(clone(), 'examples/cubes/prep/mlcube.yaml'));
    await access(join(clone(), 'examples/data/demo/demo.tar.gz'));
    await expect(access(join(clone(), 'examples/data/sites'))).rejects.toThrow();
    const tracked = String((await execa('git', ['-C', clone(), 'ls-files', 'examples'])).stdout);
    expect(tracked).toContain('examples/cubes/logreg/additional_files.tar.gz');
  });
});

describe('gitperf user add', () => {
  it('opens one submission with a User file per login, which the only admin merges', async () => {
    const add = await runCli(
      ['user', 'add', 'Ana', 'raj', '--organization', 'Demo Consortium', '--profile', 'ada', '--json'],
      { cwd: clone(), env },
    );
    expect(add.exitCode, add.stderr).toBe(0);
    const outcome = JSON.parse(add.stdout);
    expect(outcome.paths).toEqual(['registry/users/ana.yaml', 'registry/users/raj.yaml']);
    expect(outcome.status).toBe('pass');
    const merge = await runCli(['merge', String(outcome.number), '--profile', 'ada'], { cwd: clone(), env });
    expect(merge.exitCode, merge.stderr).toBe(0);
    await execa('git', ['-C', clone(), 'pull', '-q']);
    expect(parse(await readFile(join(clone(), 'registry/users/ana.yaml'), 'utf8'))).toEqual({
      apiVersion: 'gitperf/v1',
      kind: 'User',
      metadata: { name: 'ana' },
      spec: { organization: 'Demo Consortium' },
    });
  });

  it('refuses a login already registered, naming its file', async () => {
    const again = await runCli(['user', 'add', 'raj', '--profile', 'ada'], { cwd: clone(), env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('user.exists');
    expect(again.stderr).toContain('registry/users/raj.yaml');
  });

  it('refuses an invalid login and --name for several logins as usage errors', async () => {
    const bad = await runCli(['user', 'add', 'bad_login', '--profile', 'ada'], { cwd: clone(), env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('user.login-invalid');
    const two = await runCli(['user', 'add', 'lee', 'kim', '--name', 'Lee', '--profile', 'ada'], {
      cwd: clone(),
      env,
    });
    expect(two.exitCode).toBe(2);
    expect(two.stderr).toContain('user.one-person-flag');
  });

  it('gives the admin role with --admin', async () => {
    const add = await runCli(['user', 'add', 'bob', '--admin', '--profile', 'ada', '--json'], {
      cwd: clone(),
      env,
    });
    expect(add.exitCode, add.stderr).toBe(0);
    const merge = await runCli(['merge', String(JSON.parse(add.stdout).number), '--profile', 'ada'], {
      cwd: clone(),
      env,
    });
    expect(merge.exitCode, merge.stderr).toBe(0);
    await execa('git', ['-C', clone(), 'pull', '-q']);
    expect(parse(await readFile(join(clone(), 'registry/users/bob.yaml'), 'utf8')).spec).toEqual({
      roles: ['admin'],
    });
  });
});

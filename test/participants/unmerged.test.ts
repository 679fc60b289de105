/**
 * "Not registered" versus "not merged yet": a reference to an entity whose submission is still open is
 * refused with the submission's number and what to do, not with "submit it first" (which would make the
 * user submit it twice). Both are usage errors (exit 2) in every command.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let workdir: string;
let env: Record<string, string>;
const clone = () => join(workdir, 'consortium');
const gitperf = (args: string[]) => runCli(args, { cwd: clone(), env });

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'gitperf-unmerged-'));
  env = { GITPERF_HOME: join(workdir, 'home') };
  const init = await runCli(
    ['init', 'consortium', '--local', '--with-examples', '--admin', 'ada', '--profile-name', 'ada'],
    { cwd: workdir, env },
  );
  expect(init.exitCode, init.stderr).toBe(0);
  for (const step of [
    ['profile', 'create', 'ana', '--forge', 'local', '--registry', '../consortium.git', '--user', 'ana'],
    ['user', 'add', 'ana', '--profile', 'ada'],
    ['merge', '1', '--profile', 'ada'],
    [
      'mlcube',
      'submit',
      '--name',
      'bc-prep',
      '--manifest',
      'examples/cubes/prep/mlcube.yaml',
      '--parameters',
      'examples/cubes/prep/workspace/parameters.yaml',
      '--profile',
      'ana',
    ],
  ]) {
    const result = await gitperf(step);
    expect(result.exitCode, `${step.join(' ')}: ${result.stderr}`).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

describe('references to entities that are not merged yet', () => {
  const benchmarkSubmit = (preparator: string) =>
    gitperf([
      'benchmark',
      'submit',
      '--name',
      'bc-diagnosis',
      '--preparator',
      preparator,
      '--reference-model',
      'ana/bc-logreg',
      '--metrics',
      'ana/bc-metrics',
      '--demo-dataset',
      'examples/data/demo/demo.tar.gz',
      '--runner',
      'local',
      '--profile',
      'ana',
    ]);

  it('names the open submission that adds the entity', async () => {
    const result = await benchmarkSubmit('ana/bc-prep');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('benchmark.cube-unmerged');
    expect(result.stderr).toMatch(
      /MLCube ana\/bc-prep is not merged yet: submission #2 \(Add MLCube ana\/bc-prep/,
    );
    expect(result.stderr).not.toContain('submit it first');
  });

  it('says how to add an entity that no submission adds', async () => {
    const result = await benchmarkSubmit('ana/never-submitted');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('benchmark.cube-unregistered');
    expect(result.stderr).toContain('MLCube ana/never-submitted is not registered; submit it first');
  });
});

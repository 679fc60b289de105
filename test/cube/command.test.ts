/** `gitperf cube run` as a whole process (needs `npm run build`). */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/cubes/busybox');
let T: string;
let cube: string;
let env: Record<string, string>;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-cubecmd-'));
  cube = path.join(T, 'cube');
  await cp(fixture, cube, { recursive: true });
  env = { GITPERF_HOME: path.join(T, 'home') };
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

describe('gitperf cube run', () => {
  it('--dry-run prints the exact podman command line; relative NAME=PATH is relative to the current folder', async () => {
    const r = await runCli(
      [
        'cube',
        'run',
        '--cube',
        cube,
        '--task',
        'copy',
        '--runner',
        'podman',
        '--dry-run',
        'output_path=out/',
      ],
      {
        cwd: T,
        env,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const line = r.stdout.trim();
    expect(line).toMatch(/^podman run --name gitperf-copy-[0-9a-f]{16} --rm -u \d+:\d+ /);
    expect(line).toContain(`--volume ${cube}/workspace/data:/mlcube_io0:ro --volume ${T}/out:/mlcube_io1:rw`);
    expect(line).toMatch(
      /--network none --cap-drop=ALL --security-opt=no-new-privileges localhost\/gitperf-busybox-test:placeholder copy --data_path=\/mlcube_io0 --output_path=\/mlcube_io1$/,
    );
  });

  it('--dry-run --json gives the argument array and the mounts', async () => {
    const r = await runCli(
      [
        'cube',
        'run',
        '--cube',
        cube,
        '--task',
        'copy',
        '--runner',
        'docker',
        '--dry-run',
        '--json',
        `output_path=${T}/o2/`,
      ],
      {
        env,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.argv.slice(0, 2)).toEqual(['docker', 'run']);
    expect(j.argv).not.toContain('--rm');
    expect(j.mounts.map((m: { containerDir: string; mode: string }) => [m.containerDir, m.mode])).toEqual([
      ['/mlcube_io0', 'ro'],
      ['/mlcube_io1', 'rw'],
    ]);
  });

  it('runs a task with the local runner and reports success, failure and bad input', async () => {
    const ok = await runCli(
      ['cube', 'run', '--cube', cube, '--task', 'copy', '--runner', 'local', `output_path=${T}/out3/`],
      { env },
    );
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/task copy succeeded on local in [\d.]+ s; log: /);
    expect(await readFile(path.join(T, 'out3', 'out.txt'), 'utf8')).toBe('hello from the input\n');
    // MEDPERF_LOGLEVEL: unset unless asked for, then upper-cased (MedPerf's --container-loglevel).
    expect(ok.stderr).toMatch(/loglevel \s*$/m);
    const debug = await runCli(
      ['cube', 'run', '--cube', cube, '--task', 'copy', '--runner', 'local', '--container-loglevel', 'debug'],
      { env },
    );
    expect(debug.exitCode, debug.stderr).toBe(0);
    expect(debug.stderr).toMatch(/loglevel DEBUG\s*$/m);

    const bad = await runCli(
      ['cube', 'run', '--cube', cube, '--task', 'fail', '--runner', 'local', '--json'],
      { env },
    );
    expect(bad.exitCode).toBe(1);
    const j = JSON.parse(bad.stdout);
    expect(j).toMatchObject({ exitCode: 3, timedOut: false, succeeded: false, runner: 'local' });
    expect(await readFile(j.logPath, 'utf8')).toContain('about to fail');

    const text = await runCli(['cube', 'run', '--cube', cube, '--task', 'fail', '--runner', 'local'], {
      env,
    });
    expect(text.exitCode).toBe(1);
    expect(text.stderr).toContain('error cube.task-failed task fail failed with exit code 3');

    const usage = await runCli(['cube', 'run', '--cube', cube, '--task', 'copy', 'nonsense'], { env });
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('cube.bad-argument');

    const missing = await runCli(
      ['cube', 'run', '--cube', path.join(T, 'nope'), '--task', 'copy', '--runner', 'local'],
      { env },
    );
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('manifest.unreadable');
    expect(missing.stderr).not.toContain('    at ');

    const unknown = await runCli(['cube', 'run', '--cube', cube, '--task', 'train', '--runner', 'local'], {
      env,
    });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('cube.unknown-task');
  });
});

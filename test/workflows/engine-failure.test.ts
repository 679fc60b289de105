// A container engine that cannot start the container is reported as such (with the engine's error
// line and what to try), not as the cube exiting with a bare code.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFailure } from '../../cli/src/workflows/engine-failure.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { assertTool, shouldRun } from '../helpers/containers.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-engine-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('engineFailure', () => {
  it('names the engine error line of the log for podman/docker exit 125-127 only', async () => {
    const log = join(tmp, 'x.log');
    await writeFile(
      log,
      '# gitperf podman run\nError: something broke in the engine\n# gitperf: exit code 125\n',
    );
    expect(engineFailure('podman', 125, log)?.message).toMatch(
      /^podman could not start the container \(exit 125, Error: something broke in the engine\); .*--runner local$/,
    );
    expect(engineFailure('docker', 127, undefined)?.code).toBe('cube.engine-failed');
    expect(engineFailure('podman', 1, log)).toBeUndefined(); // the cube's own failure
    expect(engineFailure('local', 126, log)).toBeUndefined();
    expect(engineFailure('podman', null, log)).toBeUndefined();
  });
});

describe.skipIf(!shouldRun('podman'))('a podman that cannot start containers', () => {
  it('makes the procedure fail with the engine error and the way out', async () => {
    assertTool('podman');
    const conf = join(tmp, 'containers.conf');
    await writeFile(
      conf,
      '[engine]\nruntime = "gitperf-no-such-runtime"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
    );
    const demo = join(repoRoot, 'examples/data/demo/demo.tar.gz');
    const sha = createHash('sha256')
      .update(await readFile(demo))
      .digest('hex');
    const r = await runCli(
      ['test', 'run', '--preparator', 'examples/cubes/prep', '--model', 'examples/cubes/stump']
        .concat(['--metrics', 'examples/cubes/metrics', '--demo-url', 'examples/data/demo/demo.tar.gz'])
        .concat(['--demo-hash', `sha256:${sha}`, '--runner', 'podman', '--json']),
      { cwd: repoRoot, env: { GITPERF_HOME: join(tmp, 'home'), CONTAINERS_CONF: conf } },
    );
    expect(r.exitCode, r.stderr).toBe(1);
    const e = JSON.parse(r.stdout).error;
    expect(e.code).toBe('dataset.prepare-failed');
    expect(e.message).toMatch(
      /podman could not start the container \(exit 12[5-7], Error: .*gitperf-no-such-runtime/,
    );
    expect(e.message).toContain('--runner local');
  }, 120_000);
});

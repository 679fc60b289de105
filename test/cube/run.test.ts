/** runTask refusals: nothing is created or run when a run cannot start. */
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from '../../cli/src/cube/index.js';
import { findTool } from '../helpers/containers.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/cubes/busybox');
let T: string;
let cube: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-run-'));
  cube = path.join(T, 'cube');
  await cp(fixture, cube, { recursive: true });
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

describe('runTask refusals', () => {
  // Singularity is not packaged for Debian 12; where it is installed this refusal cannot happen.
  it.skipIf(findTool('singularity') !== undefined)(
    'a runner that is not installed: runner.unavailable, no outputs, no log',
    async () => {
      const out = path.join(T, 'sing-out');
      const home = path.join(T, 'home1');
      const r = await runTask({
        cubeDir: cube,
        task: 'copy',
        runner: 'singularity',
        params: { output_path: `${out}/` },
        home,
      });
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['runner.unavailable']);
      expect(r.diagnostics[0].message).toContain('singularity is not installed');
      await expect(stat(out)).rejects.toThrow();
      await expect(stat(home)).rejects.toThrow();
    },
  );

  it('a missing input: cube.input-missing with the manifest line, no outputs', async () => {
    const out = path.join(T, 'in-out');
    const r = await runTask({
      cubeDir: cube,
      task: 'copy',
      runner: 'local',
      params: { data_path: path.join(T, 'nope/'), output_path: `${out}/` },
      home: path.join(T, 'home2'),
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['cube.input-missing', path.join(cube, 'mlcube.yaml'), 10],
    ]);
    await expect(stat(out)).rejects.toThrow();
  });

  it('an unknown task names the tasks there are', async () => {
    const r = await runTask({ cubeDir: cube, task: 'train', runner: 'podman' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cube.unknown-task']);
    expect(r.diagnostics[0].message).toContain('copy, write-input, net, fail, sleep');
  });
});

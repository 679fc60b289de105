// The procedures hand --container-loglevel to every cube they run: MEDPERF_LOGLEVEL upper-cased, unset without it.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cubeAccess } from '../../cli/src/workflows/cube-access.js';
import { layout } from '../../cli/src/workflows/layout.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/cubes/busybox');
let T: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-loglevel-'));
  await cp(fixture, path.join(T, 'cube'), { recursive: true });
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

it('passes the level to the cube upper-cased, and none by default', async () => {
  const logs: string[] = [];
  for (const containerLoglevel of ['warning', undefined]) {
    const exec = cubeAccess({ runner: 'local', layout: layout(path.join(T, 'home')), containerLoglevel });
    const cube = await exec.cube(path.join(T, 'cube'), 'model');
    const r = await exec.run(cube, 'copy', { output_path: path.join(T, `out-${containerLoglevel}/`) });
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    logs.push(await readFile(r.logFile as string, 'utf8'));
  }
  expect(logs[0]).toContain('loglevel WARNING\n');
  expect(logs[1]).toContain('loglevel \n');
});

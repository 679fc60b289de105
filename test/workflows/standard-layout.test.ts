// MLCube's standard layout (mlcube/ beside the build context ../project, the code in the build context) runs on
// the local runner with only `local: {command: python3 ../project/mlcube.py}` added: as a folder (the code folder
// bound read-only and recorded by its tree digest) and registered (run from a view keeping the layout). The cube
// lives under /tmp, which the sandbox hides unless the code folder is bound.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeDigest } from '../../cli/src/cube/index.js';
import { cubeAccess } from '../../cli/src/workflows/cube-access.js';
import { layout } from '../../cli/src/workflows/layout.js';
import { cubeFolder, makeTestRegistry, runProcedures, site, type TestRegistry } from './fixtures.js';

let T: string;
let std: string;
let flat: TestRegistry;
let registered: TestRegistry;

beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-stdlayout-'));
  std = path.join(T, 'bc-prep');
  await cp(path.join(cubeFolder('prep'), 'project'), path.join(std, 'project'), { recursive: true });
  await cp(path.join(cubeFolder('prep'), 'workspace'), path.join(std, 'mlcube', 'workspace'), {
    recursive: true,
  });
  const manifest = (await readFile(path.join(cubeFolder('prep'), 'mlcube.yaml'), 'utf8'))
    .replace('build_context: .', 'build_context: ../project')
    .replace('command: python3 project/mlcube.py', 'command: python3 ../project/mlcube.py');
  expect(manifest).toContain('python3 ../project/mlcube.py');
  await writeFile(path.join(std, 'mlcube', 'mlcube.yaml'), manifest);
  flat = await makeTestRegistry();
  registered = await makeTestRegistry({ manifests: { prep: path.join(std, 'mlcube', 'mlcube.yaml') } });
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
  await flat?.cleanup();
  await registered?.cleanup();
});

describe('standard MLCube layout on the local runner', () => {
  it('a folder cube runs its build context, bound read-only and hashed', async () => {
    const exec = cubeAccess({ runner: 'local', layout: layout(path.join(T, 'home')) });
    const cube = await exec.cube(path.join(std, 'mlcube'), 'preparator');
    expect(cube.hashes.code).toBe(await treeDigest(path.join(std, 'project')));
    const out = path.join(T, 'out');
    await mkdir(out);
    const c = site('c');
    const r = await exec.run(cube, 'prepare', {
      data_path: c.data,
      labels_path: c.labels,
      output_path: path.join(out, 'data/'),
      output_labels_path: path.join(out, 'labels/'),
    });
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    expect((await readFile(path.join(out, 'data', 'data.csv'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('a registered cube runs from a view keeping the layout, with the same results as the flat cube', async () => {
    const reference = await runProcedures(flat, 'local');
    const got = await runProcedures(registered, 'local');
    expect(got.ds.entity.spec.generatedUid).toBe(reference.ds.entity.spec.generatedUid);
    expect(got.test.record.metrics).toEqual(reference.test.record.metrics);
  }, 300_000);
});

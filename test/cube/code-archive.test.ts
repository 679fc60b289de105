/**
 * Pinned code for the local runner: a registered cube runs only from the code its entity registers (`spec.code`),
 * verified before each run. Its owner cannot change what runs without changing a registered hash: code edited in
 * the source folder before the first use is refused, code edited afterwards does not run (the verified copy
 * does), an extracted copy edited in $GITPERF_HOME is refused before the run, and a registered cube without
 * code is refused with a message naming what to register. A folder cube (`cube run --cube DIR`) still runs.
 */
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeFolderHash,
  extractTarball,
  type MlcubeSpec,
  materialiseCube,
  packCodeFolder,
  runTask,
  sha256File,
  treeDigest,
} from '../../cli/src/cube/index.js';
import { registeredHashes } from '../../cli/src/registry/registered-hashes.js';
import { cubeAccess } from '../../cli/src/workflows/cube-access.js';
import { layout } from '../../cli/src/workflows/layout.js';
import { shouldRun } from '../helpers/containers.js';
import { cubeFolder, makeTestRegistry, type TestRegistry } from '../workflows/fixtures.js';

let T: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-code-'));
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

const MANIFEST = `name: code-test
docker: {image: "localhost/gitperf-code-test:1"}
local: {command: sh project/run.sh}
tasks:
  infer:
    parameters:
      outputs: {output_path: {type: directory, default: predictions}}
`;
const runSh = (word: string) => `out="\${2#--output_path=}"\necho ${word} > "$out/said.txt"\n`;

/** A registry folder holding one cube folder (manifest + project/), registered with its code folder's hash. */
async function registeredCube(name: string): Promise<{ reg: string; src: string; spec: MlcubeSpec }> {
  const reg = path.join(T, name);
  const src = path.join(reg, 'cubes', 'code-test');
  await mkdir(path.join(src, 'project'), { recursive: true });
  await mkdir(path.join(src, 'workspace'), { recursive: true });
  await writeFile(path.join(src, 'mlcube.yaml'), MANIFEST);
  await writeFile(path.join(src, 'project', 'run.sh'), runSh('registered'));
  const code = await codeFolderHash(src);
  if (!code.ok) throw new Error(JSON.stringify(code.diagnostics));
  return {
    reg,
    src,
    spec: {
      manifest: {
        url: 'cubes/code-test/mlcube.yaml',
        sha256: await sha256File(path.join(src, 'mlcube.yaml')),
      },
      code: { url: 'cubes/code-test/', sha256: code.value },
      image: { reference: 'localhost/gitperf-code-test:1' },
      state: 'operation',
      valid: true,
    },
  };
}

describe('the canonical code archive', () => {
  it('depends on names, contents and executable bits only, and extracts to the same tree', async () => {
    const a = path.join(T, 'pack-a');
    await mkdir(path.join(a, 'project', 'lib'), { recursive: true });
    await writeFile(path.join(a, 'project', 'main.py'), 'print(1)\n');
    await writeFile(path.join(a, 'project', 'lib', 'run.sh'), 'echo hi\n');
    await chmod(path.join(a, 'project', 'lib', 'run.sh'), 0o755);
    await writeFile(path.join(a, 'mlcube.yaml'), 'name: x\n');
    await mkdir(path.join(a, 'workspace'));
    await writeFile(path.join(a, 'workspace', 'data.csv'), 'secret\n');
    await writeFile(path.join(a, '.gitperf-cube.json'), '{}\n');
    const b = path.join(T, 'pack-b');
    await cp(a, b, { recursive: true });
    // Another checkout: other times, a group-writable umask, other manifest and workspace contents.
    await utimes(path.join(b, 'project', 'main.py'), 1e9, 1e9);
    await chmod(path.join(b, 'project', 'main.py'), 0o664);
    await writeFile(path.join(b, 'mlcube.yaml'), 'name: y\n');
    await writeFile(path.join(b, 'workspace', 'data.csv'), 'other\n');
    const pa = await packCodeFolder(a);
    const pb = await packCodeFolder(b);
    if (!pa.ok || !pb.ok) throw new Error('pack');
    expect(pb.value.equals(pa.value)).toBe(true);
    const tar = path.join(T, 'pack.tar');
    await writeFile(tar, pa.value);
    const x = await extractTarball(tar, path.join(T, 'pack-x'));
    if (!x.ok) throw new Error(JSON.stringify(x.diagnostics));
    // The manifest, workspace/ and dot-entries are not code.
    expect((await readdir(path.join(T, 'pack-x'))).sort()).toEqual(['project']);
    expect(await treeDigest(path.join(T, 'pack-x', 'project'))).toBe(
      await treeDigest(path.join(a, 'project')),
    );
    expect((await stat(path.join(T, 'pack-x', 'project', 'lib', 'run.sh'))).mode & 0o111).not.toBe(0);
    // A link out of the folder cannot be packed: the archive must hold the code itself.
    await symlink('../pack-a/project', path.join(b, 'elsewhere'));
    const linked = await packCodeFolder(b);
    expect(linked.ok).toBe(false);
    expect(linked.diagnostics[0]?.message).toContain(
      'elsewhere (a link to ../pack-a/project, outside the folder)',
    );
    await rm(path.join(b, 'elsewhere'));
    // A changed executable bit is a changed archive.
    await chmod(path.join(b, 'project', 'lib', 'run.sh'), 0o644);
    const pc = await packCodeFolder(b);
    expect(pc.ok && pc.value.equals(pa.value)).toBe(false);
  });
});

describe.skipIf(!shouldRun('bwrap'))(
  'registered cubes run on the local runner only from their registered code',
  () => {
    it('runs the verified code; a source edited after the first use does not run, nor a tampered copy', async () => {
      const { reg, src, spec } = await registeredCube('pinned');
      const home = path.join(T, 'pinned-home');
      const dest = path.join(home, 'cubes', 'ana', 'code-test');
      const m = await materialiseCube(spec, {
        hashes: registeredHashes(spec),
        dest,
        baseDir: reg,
        ref: 'ana/code-test',
        runner: 'local',
        home,
      });
      if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
      expect(m.value.hashes.code).toBe(spec.code?.sha256);
      // The owner changes the code in the source folder: what runs is still the registered copy.
      await writeFile(path.join(src, 'project', 'run.sh'), runSh('changed'));
      const out = path.join(T, 'pinned-out');
      const again = await materialiseCube(spec, {
        hashes: registeredHashes(spec),
        dest,
        baseDir: reg,
        ref: 'ana/code-test',
        runner: 'local',
        home,
      });
      if (!again.ok) throw new Error(JSON.stringify(again.diagnostics));
      // The code is laid out beside the manifest by the workflows (cube-access); here the link by hand.
      await symlink('.code/project', path.join(dest, 'project')).catch(() => undefined);
      const r = await runTask({
        cubeDir: dest,
        task: 'infer',
        runner: 'local',
        params: { output_path: out },
        home,
      });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.value.exitCode, await readFile(r.value.logPath, 'utf8')).toBe(0);
      expect(await readFile(path.join(out, 'said.txt'), 'utf8')).toBe('registered\n');
      // The extracted copy edited in $GITPERF_HOME: refused before anything runs.
      await writeFile(path.join(dest, '.code', 'project', 'run.sh'), runSh('tampered'));
      const tampered = await runTask({
        cubeDir: dest,
        task: 'infer',
        runner: 'local',
        params: { output_path: out },
        home,
      });
      expect(tampered.ok).toBe(false);
      expect(tampered.diagnostics.map((d) => d.code)).toContain('resource.hash-mismatch');
      expect(tampered.diagnostics.map((d) => d.message).join(' ')).toContain('code of ana/code-test');
      expect(await readFile(path.join(out, 'said.txt'), 'utf8')).toBe('registered\n');
    });

    it('refuses code changed before its first use (hash mismatch), naming the code', async () => {
      const { reg, src, spec } = await registeredCube('changed');
      await writeFile(path.join(src, 'project', 'run.sh'), runSh('changed'));
      const home = path.join(T, 'changed-home');
      const m = await materialiseCube(spec, {
        hashes: registeredHashes(spec),
        dest: path.join(home, 'cubes', 'ana', 'code-test'),
        baseDir: reg,
        ref: 'ana/code-test',
        runner: 'local',
        home,
      });
      expect(m.ok).toBe(false);
      const d = m.diagnostics.find((x) => x.severity === 'error');
      expect(d?.code).toBe('resource.hash-mismatch');
      expect(d?.message).toContain('code of ana/code-test');
    });
  },
);

describe.skipIf(!shouldRun('bwrap'))('the workflows on the local runner', () => {
  let withCode: TestRegistry;
  let withoutCode: TestRegistry;
  beforeAll(async () => {
    withCode = await makeTestRegistry();
    withoutCode = await makeTestRegistry({ withoutCode: true });
  });
  afterAll(async () => {
    await withCode?.cleanup();
    await withoutCode?.cleanup();
  });

  it('run a registered cube from its verified code, laid out where its command expects it', async () => {
    const exec = cubeAccess({
      runner: 'local',
      registryDir: withCode.registryDir,
      layout: layout(withCode.home),
    });
    const cube = await exec.cube('ana/bc-metrics', 'metrics');
    expect(cube.hashes.code).toMatch(/^sha256:/);
    // project/ resolves into the verified copy, not into examples/.
    expect(await realpath(path.join(cube.dir, 'project'))).toBe(
      path.join(await realpath(cube.dir), '.code', 'project'),
    );
  });

  it('refuse a registered cube without registered code, naming what to register; its folder still runs', async () => {
    const exec = cubeAccess({
      runner: 'local',
      registryDir: withoutCode.registryDir,
      layout: layout(withoutCode.home),
    });
    const err = await exec.cube('ana/bc-metrics', 'metrics').then(
      () => undefined,
      (e: Error & { diagnostic?: { code: string } }) => e,
    );
    expect(err?.message).toContain('registers none (spec.code)');
    expect(err?.message).toContain('gitperf mlcube submit');
    expect(err?.message).toContain('--code');
    // The same cube given as its folder: allowed, it runs as it is on disk.
    const folder = await exec.cube(cubeFolder('metrics'), 'metrics');
    expect(folder.dir).toBe(cubeFolder('metrics'));
    expect(folder.hashes.manifest).toMatch(/^sha256:/);
  });
});

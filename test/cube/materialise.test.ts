/**
 * Materialising a registered MLCube: every resource verified; a tampered manifest, parameters file or
 * additional-files tarball is refused before anything runs; a cube folder edited after materialisation is
 * refused by runTask. Runs use the local runner (bwrap when installed).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MlcubeSpec, materialiseCube, runTask, sha256File } from '../../cli/src/cube/index.js';
import { registeredHashes } from '../../cli/src/registry/registered-hashes.js';
import { makeTar } from './helpers/tar.js';

let T: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-mat-'));
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

const MANIFEST = `name: mat-test
docker: {image: "localhost/gitperf-mat-test:1"}
local: {command: sh workspace/additional_files/run.sh}
tasks:
  infer:
    parameters:
      inputs: {parameters_file: parameters.yaml, weights: additional_files/weights.txt}
      outputs: {output_path: {type: directory, default: predictions}}
`;
const RUN_SH = `for a in "$@"; do case "$a" in --*=*) k="\${a%%=*}"; eval "P_\${k#--}=\\"\${a#*=}\\"";; esac; done
cat "$P_parameters_file" "$P_weights" > "$P_output_path/out.txt"
`;

/** A fresh registry folder with one cube and its spec (hashes of the files as written). */
async function registry(
  name: string,
): Promise<{ dir: string; spec: MlcubeSpec; home: string; files: Record<string, string> }> {
  const dir = path.join(T, name, 'registry');
  const cube = path.join(dir, 'mlcubes', 'ana', 'mat-test');
  await mkdir(cube, { recursive: true });
  const files = {
    manifest: path.join(cube, 'mlcube.yaml'),
    parameters: path.join(cube, 'parameters.yaml'),
    additionalFiles: path.join(cube, 'additional_files.tar.gz'),
  };
  await writeFile(files.manifest, MANIFEST);
  await writeFile(files.parameters, 'threshold: 0.5\n');
  await makeTar(files.additionalFiles, [
    { name: 'weights.txt', type: 'file', data: 'w=1\n' },
    { name: 'run.sh', type: 'file', data: RUN_SH },
  ]);
  const rel = (f: string) => path.relative(dir, f);
  const spec: MlcubeSpec = {
    manifest: { url: rel(files.manifest), sha256: await sha256File(files.manifest) },
    parameters: { url: rel(files.parameters), sha256: await sha256File(files.parameters) },
    additionalFiles: { url: rel(files.additionalFiles), sha256: await sha256File(files.additionalFiles) },
    image: { reference: 'localhost/gitperf-mat-test:1', digest: `sha256:${'b'.repeat(64)}` },
    state: 'operation',
    valid: true,
  };
  return { dir, spec, home: path.join(T, name, 'home'), files };
}

describe('materialiseCube', () => {
  it('builds a verified MLCube folder that runs', async () => {
    const r = await registry('good');
    const dest = path.join(r.home, 'cubes', 'ana', 'mat-test');
    const m = await materialiseCube(r.spec, {
      hashes: registeredHashes(r.spec),
      dest,
      baseDir: r.dir,
      home: r.home,
      runner: 'local',
      ref: 'ana/mat-test',
    });
    if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
    expect(await readFile(path.join(dest, 'mlcube.yaml'), 'utf8')).toBe(MANIFEST);
    expect(await readFile(path.join(dest, 'workspace', 'parameters.yaml'), 'utf8')).toBe('threshold: 0.5\n');
    expect(await readFile(path.join(dest, 'workspace', 'additional_files', 'weights.txt'), 'utf8')).toBe(
      'w=1\n',
    );
    expect(m.value.hashes).toEqual({
      manifest: r.spec.manifest.sha256,
      parameters: r.spec.parameters?.sha256,
      additionalFiles: r.spec.additionalFiles?.sha256,
      image: `sha256:${'b'.repeat(64)}`,
    });
    expect(m.value.image).toBe(`localhost/gitperf-mat-test:1@sha256:${'b'.repeat(64)}`);
    const out = path.join(T, 'good', 'pred');
    const run = await runTask({
      cubeDir: dest,
      task: 'infer',
      runner: 'local',
      params: { output_path: out },
      home: r.home,
    });
    if (!run.ok) throw new Error(JSON.stringify(run.diagnostics));
    expect(run.value.exitCode, await readFile(run.value.logPath, 'utf8')).toBe(0);
    expect(await readFile(path.join(out, 'out.txt'), 'utf8')).toBe('threshold: 0.5\nw=1\n');
    // The podman command line would pin the registered digest.
    const { planRun } = await import('../../cli/src/cube/index.js');
    const plan = await planRun({
      cubeDir: dest,
      task: 'infer',
      runner: 'podman',
      params: { output_path: out },
    });
    expect(plan.ok && plan.value.command.argv).toContain(
      `localhost/gitperf-mat-test:1@sha256:${'b'.repeat(64)}`,
    );
  });

  const tampers: [keyof Awaited<ReturnType<typeof registry>>['files'], string][] = [
    ['manifest', 'manifest of ana/mat-test'],
    ['parameters', 'parameters file of ana/mat-test'],
    ['additionalFiles', 'additional files of ana/mat-test'],
  ];
  for (const [which, label] of tampers) {
    it(`refuses a tampered ${which} before anything runs`, async () => {
      const r = await registry(`tamper-${which}`);
      if (which === 'additionalFiles') {
        await makeTar(r.files.additionalFiles, [
          { name: 'weights.txt', type: 'file', data: 'w=666\n' },
          { name: 'run.sh', type: 'file', data: RUN_SH },
        ]);
      } else {
        await writeFile(r.files[which], `${await readFile(r.files[which], 'utf8')}# edited\n`);
      }
      const dest = path.join(r.home, 'cubes', 'ana', 'mat-test');
      const m = await materialiseCube(r.spec, {
        hashes: registeredHashes(r.spec),
        dest,
        baseDir: r.dir,
        home: r.home,
        runner: 'local',
        ref: 'ana/mat-test',
      });
      expect(m.ok).toBe(false);
      expect(m.diagnostics.map((d) => d.code)).toEqual(['resource.hash-mismatch']);
      expect(m.diagnostics[0].message).toContain(label);
      // Nothing was built, so there is nothing a run could use.
      await expect(stat(dest)).rejects.toThrow();
    });
  }

  it('refuses a malicious additional-files tarball even when its hash is registered', async () => {
    const r = await registry('evil');
    await makeTar(r.files.additionalFiles, [{ name: '../../escape.txt', type: 'file', data: 'x' }]);
    const spec = {
      ...r.spec,
      additionalFiles: {
        url: r.spec.additionalFiles?.url as string,
        sha256: await sha256File(r.files.additionalFiles),
      },
    };
    const dest = path.join(r.home, 'cubes', 'ana', 'mat-test');
    const m = await materialiseCube(spec, {
      hashes: registeredHashes(spec),
      dest,
      baseDir: r.dir,
      home: r.home,
      runner: 'local',
      ref: 'ana/mat-test',
    });
    expect(m.ok).toBe(false);
    expect(m.diagnostics.map((d) => d.code)).toEqual(['tarball.parent-path']);
    await expect(stat(dest)).rejects.toThrow();
    await expect(stat(path.join(r.home, 'cubes', 'escape.txt'))).rejects.toThrow();
  });

  for (const which of [
    'mlcube.yaml',
    'workspace/parameters.yaml',
    'workspace/additional_files/weights.txt',
  ]) {
    it(`runTask refuses a materialised cube whose ${which} was edited afterwards, before running`, async () => {
      const r = await registry(`edit-${which.replace(/\W/g, '')}`);
      const dest = path.join(r.home, 'cubes', 'ana', 'mat-test');
      const m = await materialiseCube(r.spec, {
        hashes: registeredHashes(r.spec),
        dest,
        baseDir: r.dir,
        home: r.home,
        runner: 'local',
        ref: 'ana/mat-test',
      });
      if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
      await writeFile(
        path.join(dest, which),
        `${await readFile(path.join(dest, which), 'utf8')}\n# edited\n`,
      );
      const out = path.join(T, 'edited-out');
      const run = await runTask({
        cubeDir: dest,
        task: 'infer',
        runner: 'local',
        params: { output_path: out },
        home: r.home,
      });
      expect(run.ok).toBe(false);
      expect(run.diagnostics.map((d) => d.code)).toEqual(['resource.hash-mismatch']);
      expect(run.diagnostics[0].message).toContain('of ana/mat-test');
      await expect(stat(out)).rejects.toThrow();
      await expect(stat(path.join(r.home, 'logs'))).rejects.toThrow();
    });
  }
});

describe('materialiseCube reuse', () => {
  it('reuses an intact folder for the same hashes, and rebuilds one that was edited or registered anew', async () => {
    const r = await registry('reuse');
    const dest = path.join(r.home, 'cubes', 'ana', 'mat-test');
    const opts = { dest, baseDir: r.dir, home: r.home, runner: 'local' as const, ref: 'ana/mat-test' };
    const first = await materialiseCube(r.spec, { ...opts, hashes: registeredHashes(r.spec) });
    if (!first.ok) throw new Error(JSON.stringify(first.diagnostics));
    const ino = (await stat(path.join(dest, 'mlcube.yaml'))).ino;

    const again = await materialiseCube(r.spec, { ...opts, hashes: registeredHashes(r.spec) });
    expect(again.ok).toBe(true);
    expect((await stat(path.join(dest, 'mlcube.yaml'))).ino).toBe(ino);

    // An edit after materialisation is not reused: the folder is rebuilt from the verified resources.
    await writeFile(path.join(dest, 'workspace', 'parameters.yaml'), 'threshold: 0.9\n');
    const rebuilt = await materialiseCube(r.spec, { ...opts, hashes: registeredHashes(r.spec) });
    expect(rebuilt.ok).toBe(true);
    expect(await readFile(path.join(dest, 'workspace', 'parameters.yaml'), 'utf8')).toBe('threshold: 0.5\n');

    // A new registration (other hashes) never runs the old folder.
    await writeFile(r.files.parameters, 'threshold: 0.7\n');
    const spec2 = {
      ...r.spec,
      parameters: { url: r.spec.parameters?.url ?? '', sha256: await sha256File(r.files.parameters) },
    };
    const renewed = await materialiseCube(spec2, { ...opts, hashes: registeredHashes(spec2) });
    expect(renewed.ok).toBe(true);
    expect(await readFile(path.join(dest, 'workspace', 'parameters.yaml'), 'utf8')).toBe('threshold: 0.7\n');
    // Each rebuild swapped the folder in by renames and left no staging or trash folder beside it.
    expect(await readdir(path.dirname(dest))).toEqual(['mat-test']);
  });
});

/**
 * Real container runs under podman, and the docker CLI against podman's API socket, with a tiny busybox image
 * built once for this file. With GITPERF_REQUIRE_CONTAINERS=1 a missing podman/docker fails these tests.
 */
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialiseCube, runTask, sha256File } from '../../cli/src/cube/index.js';
import { registeredHashes } from '../../cli/src/registry/registered-hashes.js';
import { cliBin } from '../helpers/cli.js';
import {
  assertTool,
  buildBusyboxImage,
  containersNamed,
  type PodmanService,
  shouldRun,
  startPodmanService,
  type TestImage,
} from '../helpers/containers.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/cubes/busybox');
let T: string;
let home: string;
let image: TestImage;

async function freshCube(name: string): Promise<string> {
  const dir = path.join(T, name);
  await cp(fixture, dir, { recursive: true });
  return dir;
}

/** A TCP server on the host's loopback; counts connections. */
async function tcpServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.end('hi\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe.skipIf(!shouldRun('podman'))('podman runner (real containers)', () => {
  beforeAll(async () => {
    assertTool('podman');
    T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-containers-'));
    home = path.join(T, 'home');
    const script = await readFile(path.join(fixture, 'cube.sh'), 'utf8');
    image = await buildBusyboxImage({ 'cube.sh': script }, ['/bin/sh', '/cube.sh']);
  });
  afterAll(async () => {
    await image?.remove();
    if (T) await rm(T, { recursive: true, force: true });
  });

  it('reads inputs, writes outputs owned by the calling user, logs to a file', async () => {
    const cube = await freshCube('copy');
    const out = path.join(T, 'copy-out');
    const r = await runTask({
      cubeDir: cube,
      task: 'copy',
      runner: 'podman',
      image: image.tag,
      params: { output_path: out },
      home,
      loglevel: 'debug',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.exitCode).toBe(0);
    expect(r.value.succeeded).toBe(true);
    expect(await readFile(path.join(out, 'out.txt'), 'utf8')).toBe('hello from the input\n');
    const uid = process.getuid?.() ?? 0;
    expect((await stat(path.join(out, 'out.txt'))).uid).toBe(uid);
    expect((await readFile(path.join(out, 'uid.txt'), 'utf8')).trim()).toBe(String(uid));
    // No capabilities inside, even when the caller is root (--cap-drop=ALL).
    expect((await readFile(path.join(out, 'caps.txt'), 'utf8')).trim()).toBe('0000000000000000');
    expect(r.value.logPath.startsWith(path.join(home, 'logs'))).toBe(true);
    const log = await readFile(r.value.logPath, 'utf8');
    // MedPerf upper-cases --container-loglevel (its debug-logging test cube crashes on a lower-case level).
    expect(log).toContain(`copied as uid ${uid}, loglevel DEBUG`);
    expect(r.value.argv.slice(0, 3)).toEqual(['podman', 'run', '--name']);
    expect(r.value.argv).toContain('--rm');
    expect(await containersNamed(r.value.containerName as string)).toEqual([]);
  });

  it('mounts inputs read-only: a cube writing into its input fails and the host folder is untouched', async () => {
    const cube = await freshCube('ro');
    const r = await runTask({ cubeDir: cube, task: 'write-input', runner: 'podman', image: image.tag, home });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.exitCode).toBe(7);
    expect(await readFile(r.value.logPath, 'utf8')).toContain('input is read-only');
    await expect(stat(path.join(cube, 'workspace', 'data', 'hacked.txt'))).rejects.toThrow();
  });

  it('gives the cube no network: a socket to the host fails (it connects with host networking)', async () => {
    const srv = await tcpServer();
    try {
      const cube = await freshCube('net');
      const r = await runTask({
        cubeDir: cube,
        task: 'net',
        runner: 'podman',
        image: image.tag,
        home,
        env: { GP_PORT: String(srv.port) },
      });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.value.exitCode).toBe(42);
      expect(srv.connections()).toBe(0);
      // Control: the same image and task with the host's network does connect, so the failure above is the sandbox.
      const ctl = await execa(
        'podman',
        ['run', '--rm', '--network', 'host', '--env', `GP_PORT=${srv.port}`, image.tag, 'net'],
        { reject: false },
      );
      expect(ctl.exitCode).toBe(0);
      expect(srv.connections()).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('reports a non-zero exit code with the output in the log', async () => {
    const cube = await freshCube('fail');
    const r = await runTask({ cubeDir: cube, task: 'fail', runner: 'podman', image: image.tag, home });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.exitCode).toBe(3);
    expect(r.value.succeeded).toBe(false);
    expect(r.value.timedOut).toBe(false);
    expect(await readFile(r.value.logPath, 'utf8')).toContain('about to fail');
    expect(r.value.warnings.map((w) => w.code)).toEqual([]);
    // podman's own failure (here an invalid image reference) is told apart from the cube's exit code.
    const eng = await runTask({
      cubeDir: cube,
      task: 'fail',
      runner: 'podman',
      image: 'INVALID/Ref:1',
      home,
    });
    if (!eng.ok) throw new Error(JSON.stringify(eng.diagnostics));
    expect(eng.value.exitCode).toBe(125);
    expect(eng.value.warnings.map((w) => w.code)).toEqual(['runner.engine-error']);
  });

  it('times out: the container is killed and removed, and the timeout is reported', async () => {
    const cube = await freshCube('sleep');
    const r = await runTask({
      cubeDir: cube,
      task: 'sleep',
      runner: 'podman',
      image: image.tag,
      home,
      timeoutSeconds: 2,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.timedOut).toBe(true);
    expect(r.value.succeeded).toBe(false);
    expect(r.value.exitCode).not.toBe(0);
    expect(await containersNamed(r.value.containerName as string)).toEqual([]);
    expect(await readFile(r.value.logPath, 'utf8')).toContain('timeout after 2000 ms');
  });

  it('Ctrl-C on gitperf cube run stops and removes the container', async () => {
    const cube = await freshCube('sigint');
    const log = path.join(T, 'sigint.log');
    const child = execa(
      'node',
      [
        cliBin,
        'cube',
        'run',
        '--cube',
        cube,
        '--task',
        'sleep',
        '--runner',
        'podman',
        '--image',
        image.tag,
        '--log',
        log,
      ],
      {
        reject: false,
        env: { GITPERF_HOME: home },
      },
    );
    let name: string | undefined;
    for (let i = 0; i < 200 && !name; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const text = await readFile(log, 'utf8').catch(() => '');
      if (text.includes('sleeping')) name = /"--name","(gitperf-sleep-[0-9a-f]+)"/.exec(text)?.[1];
    }
    expect(name).toBeDefined();
    expect(await containersNamed(name as string)).toEqual([name]);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    // Said on stderr: an interrupted run must not look like one that finished.
    expect(String(r.stderr)).toMatch(
      /error run\.interrupted interrupted \(SIGINT\): the running cube was stopped/,
    );
    expect(await containersNamed(name as string)).toEqual([]);
  });

  it('runs a cube registered with an image tarball: verified, loaded, run by image id', async () => {
    const reg = path.join(T, 'registry');
    await mkdir(reg, { recursive: true });
    const tarball = path.join(reg, 'image.tar');
    await execa('podman', ['save', '-o', tarball, image.tag]);
    const manifest = path.join(reg, 'mlcube.yaml');
    await cp(path.join(fixture, 'mlcube.yaml'), manifest);
    const spec = {
      manifest: { url: 'mlcube.yaml', sha256: await sha256File(manifest) },
      imageTarball: { url: 'image.tar', sha256: await sha256File(tarball) },
    };
    const m = await materialiseCube(spec, {
      hashes: registeredHashes(spec),
      dest: path.join(T, 'mat'),
      baseDir: reg,
      home,
      runner: 'podman',
      ref: 'ana/busybox',
    });
    if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
    expect(m.value.image).toMatch(/^[0-9a-f]{64}$/);
    expect(m.value.hashes).toEqual({
      manifest: spec.manifest.sha256,
      imageTarball: spec.imageTarball.sha256,
    });
    const r = await runTask({ cubeDir: m.value.dir, task: 'fail', runner: 'podman', home });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.argv).toContain(m.value.image);
    expect(r.value.exitCode).toBe(3);
    // A tampered image tarball is refused before anything is loaded or run.
    await writeFile(tarball, 'not an image');
    const bad = await materialiseCube(spec, {
      hashes: registeredHashes(spec),
      dest: path.join(T, 'mat2'),
      baseDir: reg,
      home: path.join(T, 'h2'),
      runner: 'podman',
    });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0].code).toBe('resource.hash-mismatch');
    expect(bad.diagnostics[0].message).toContain('image tarball');
  });

  it("runs MedPerf's DockerArchive container_config.yaml: volumes at their mount paths, read-only inputs", async () => {
    const reg = path.join(T, 'cc-registry');
    await mkdir(reg, { recursive: true });
    const tarball = path.join(reg, 'image.tar');
    await execa('podman', ['save', '-o', tarball, image.tag]);
    const config = path.join(reg, 'container_config.yaml');
    await writeFile(
      config,
      `container_type: DockerArchive
image: image.tar
tasks:
  copy:
    run_args:
      command: copy --data_path=/medperf_data --output_path=/medperf_output
    input_volumes:
      data_path: {mount_path: /medperf_data, type: directory}
    output_volumes:
      output_path: {mount_path: /medperf_output, type: directory}
  write-input:
    run_args:
      command: [write-input, --data_path=/medperf_data]
    input_volumes:
      data_path: {mount_path: /medperf_data, type: directory}
`,
    );
    const spec = {
      manifest: { url: 'container_config.yaml', sha256: await sha256File(config) },
      imageTarball: { url: 'image.tar', sha256: await sha256File(tarball) },
    };
    const m = await materialiseCube(spec, {
      hashes: registeredHashes(spec),
      dest: path.join(T, 'cc-mat'),
      baseDir: reg,
      home,
      runner: 'podman',
      ref: 'ana/busybox-cc',
    });
    if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
    expect(m.value.manifest.format).toBe('container_config');
    const data = path.join(T, 'cc-data');
    await mkdir(data);
    await writeFile(path.join(data, 'in.txt'), 'medperf volume\n');
    const out = path.join(T, 'cc-out');
    const r = await runTask({
      cubeDir: m.value.dir,
      task: 'copy',
      runner: 'podman',
      home,
      params: { data_path: data, output_path: out },
      loglevel: 'debug',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.exitCode).toBe(0);
    expect(r.value.argv).toContain(`${data}:/medperf_data:ro`);
    expect(await readFile(path.join(out, 'out.txt'), 'utf8')).toBe('medperf volume\n');
    expect((await readFile(path.join(out, 'caps.txt'), 'utf8')).trim()).toBe('0000000000000000');
    expect(await readFile(r.value.logPath, 'utf8')).toContain('loglevel DEBUG');
    const w = await runTask({
      cubeDir: m.value.dir,
      task: 'write-input',
      runner: 'podman',
      home,
      params: { data_path: data },
    });
    if (!w.ok) throw new Error(JSON.stringify(w.diagnostics));
    expect(w.value.exitCode).toBe(7);
    // The config is verified like a manifest before each run.
    await writeFile(
      path.join(m.value.dir, 'container_config.yaml'),
      `${await readFile(config, 'utf8')}# edited\n`,
    );
    const tampered = await runTask({
      cubeDir: m.value.dir,
      task: 'copy',
      runner: 'podman',
      home,
      params: { data_path: data, output_path: out },
    });
    expect(tampered.ok || tampered.diagnostics[0].code).toBe('resource.hash-mismatch');
  });

  describe.skipIf(!shouldRun('docker'))('docker CLI against podman system service', () => {
    let svc: PodmanService;
    beforeAll(async () => {
      assertTool('docker');
      svc = await startPodmanService();
    });
    afterAll(async () => {
      await svc?.stop();
    });

    it('runs, reports exit codes, and removes its containers', async () => {
      const engineEnv = { ...process.env, DOCKER_HOST: svc.dockerHost };
      const cube = await freshCube('docker');
      const out = path.join(T, 'docker-out');
      const ok = await runTask({
        cubeDir: cube,
        task: 'copy',
        runner: 'docker',
        image: image.tag,
        params: { output_path: out },
        home,
        engineEnv,
      });
      if (!ok.ok) throw new Error(JSON.stringify(ok.diagnostics));
      expect(ok.value.argv[0]).toBe('docker');
      expect(ok.value.exitCode).toBe(0);
      expect(await readFile(path.join(out, 'out.txt'), 'utf8')).toBe('hello from the input\n');
      const failing = await runTask({
        cubeDir: cube,
        task: 'fail',
        runner: 'docker',
        image: image.tag,
        home,
        engineEnv,
      });
      if (!failing.ok) throw new Error(JSON.stringify(failing.diagnostics));
      expect(failing.value.exitCode).toBe(3);
      const ro = await runTask({
        cubeDir: cube,
        task: 'write-input',
        runner: 'docker',
        image: image.tag,
        home,
        engineEnv,
      });
      expect(ro.ok && ro.value.exitCode).toBe(7);
      for (const r of [ok, failing, ro]) {
        if (r.ok) expect(await containersNamed(r.value.containerName as string)).toEqual([]);
      }
    });

    it('loads a registered image tarball with docker load and runs it by id', async () => {
      const engineEnv = { ...process.env, DOCKER_HOST: svc.dockerHost };
      const reg = path.join(T, 'docker-registry');
      await mkdir(reg, { recursive: true });
      const tarball = path.join(reg, 'image.tar');
      await execa('podman', ['save', '-o', tarball, image.tag]);
      await cp(path.join(fixture, 'mlcube.yaml'), path.join(reg, 'mlcube.yaml'));
      const spec = {
        manifest: { url: 'mlcube.yaml', sha256: await sha256File(path.join(reg, 'mlcube.yaml')) },
        imageTarball: { url: 'image.tar', sha256: await sha256File(tarball) },
      };
      const m = await materialiseCube(spec, {
        hashes: registeredHashes(spec),
        dest: path.join(T, 'dmat'),
        baseDir: reg,
        home,
        runner: 'docker',
        engineEnv,
      });
      if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
      expect(m.value.image).toMatch(/^[0-9a-f]{64}$/);
      const r = await runTask({ cubeDir: m.value.dir, task: 'fail', runner: 'docker', home, engineEnv });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.value.argv).toContain(m.value.image);
      expect(r.value.exitCode).toBe(3);
    });
  });
});

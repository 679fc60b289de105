/**
 * Shared helper for tests that need podman, the docker CLI or bubblewrap.
 * With GITPERF_REQUIRE_CONTAINERS=1 (CI) a missing tool FAILS the tests that need it; otherwise they skip.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const requireContainers = process.env.GITPERF_REQUIRE_CONTAINERS === '1';

export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * Whether tests needing `tool` should run: true when it is installed, or when containers are required
 * (then the tests run and fail loudly through `assertTool`). Use with `describe.skipIf(!shouldRun('podman'))`.
 */
export function shouldRun(tool: string): boolean {
  return requireContainers || findTool(tool) !== undefined;
}

/** Call in beforeAll: throws a clear error when the tool is missing (only reached when required). */
export function assertTool(tool: string): string {
  const p = findTool(tool);
  if (!p) throw new Error(`${tool} is required (GITPERF_REQUIRE_CONTAINERS=1) but is not installed`);
  return p;
}

/** A dynamic ELF64 binary has a PT_INTERP program header naming its loader; a static one runs in an empty image. */
function hasElfInterpreter(b: Buffer): boolean {
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return true; // not ELF64: treat as unusable
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return true;
  return false;
}

/** The static busybox binary (Debian's busybox-static), which runs in an otherwise empty image. */
export function staticBusybox(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) {
    if (!existsSync(p)) continue;
    if (!hasElfInterpreter(readFileSync(p))) return p;
  }
  throw new Error('a statically linked busybox is needed (apt-get install busybox-static)');
}

const APPLETS = [
  'sh',
  'cat',
  'echo',
  'id',
  'ls',
  'mkdir',
  'nc',
  'printf',
  'sleep',
  'stat',
  'touch',
  'wget',
  'rm',
];

export interface TestImage {
  tag: string;
  remove(): Promise<void>;
}

/**
 * Builds a tiny image from busybox plus `files` (path in image → content; `.sh` files are made executable) with
 * `tar -C rootfs -c . | podman import`, entrypoint `entrypoint`. The tag is unique per call.
 */
export async function buildBusyboxImage(
  files: Record<string, string>,
  entrypoint: string[],
): Promise<TestImage> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gitperf-img-'));
  const rootfs = path.join(dir, 'rootfs');
  await mkdir(path.join(rootfs, 'bin'), { recursive: true });
  await mkdir(path.join(rootfs, 'tmp'), { recursive: true });
  await chmod(path.join(rootfs, 'tmp'), 0o1777);
  await copyFile(staticBusybox(), path.join(rootfs, 'bin', 'busybox'));
  await chmod(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const a of APPLETS) await symlink('busybox', path.join(rootfs, 'bin', a));
  for (const [p, content] of Object.entries(files)) {
    const f = path.join(rootfs, p);
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, content, { mode: p.endsWith('.sh') ? 0o755 : 0o644 });
  }
  const tag = `localhost/gitperf-test-${process.pid}-${Math.random().toString(16).slice(2, 10)}:1`;
  const tarball = path.join(dir, 'rootfs.tar');
  await execa('tar', ['-C', rootfs, '-cf', tarball, '.']);
  await execa('podman', ['import', '--change', `ENTRYPOINT ${JSON.stringify(entrypoint)}`, tarball, tag]);
  await rm(dir, { recursive: true, force: true });
  return {
    tag,
    remove: async () => {
      await execa('podman', ['rmi', '-f', tag], { reject: false });
    },
  };
}

export interface PodmanService {
  dockerHost: string;
  stop(): Promise<void>;
}

/** `podman system service` on a unix socket in a temp folder, for the docker CLI (DOCKER_HOST). */
export async function startPodmanService(): Promise<PodmanService> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gitperf-podman-'));
  const sock = path.join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${sock}`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(sock)) {
    child.kill('SIGKILL');
    throw new Error('podman system service did not create its socket');
  }
  return {
    dockerHost: `unix://${sock}`,
    stop: async () => {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Names of containers (running or not) whose name starts with `prefix`. */
export async function containersNamed(prefix: string): Promise<string[]> {
  const r = await execa('podman', ['ps', '-a', '--format', '{{.Names}}'], { reject: false });
  return String(r.stdout)
    .split('\n')
    .filter((n) => n.startsWith(prefix));
}

/**
 * The local runner under bubblewrap: outputs writable, inputs and the cube read-only, the rest of the machine
 * absent (test/cube/sandbox.test.ts attacks it from inside), no network, timeouts kill the whole process group. With GITPERF_REQUIRE_CONTAINERS=1 a missing bwrap fails these tests.
 */
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from '../../cli/src/cube/index.js';
import { assertTool, shouldRun } from '../helpers/containers.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/cubes/busybox');
let T: string;
let home: string;

async function freshCube(name: string, extraTasks = ''): Promise<string> {
  const dir = path.join(T, name);
  await cp(fixture, dir, { recursive: true });
  if (extraTasks) {
    const m = path.join(dir, 'mlcube.yaml');
    await writeFile(m, `${await readFile(m, 'utf8')}${extraTasks}`);
  }
  return dir;
}

describe.skipIf(!shouldRun('bwrap'))('local runner in bubblewrap', () => {
  beforeAll(async () => {
    assertTool('bwrap');
    assertTool('busybox');
    T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-local-'));
    home = path.join(T, 'home');
  });
  afterAll(async () => {
    if (T) await rm(T, { recursive: true, force: true });
  });

  it('runs local.command from the cube folder with host paths; outputs are writable', async () => {
    const cube = await freshCube('copy');
    const out = path.join(T, 'out');
    const r = await runTask({
      cubeDir: cube,
      task: 'copy',
      runner: 'local',
      params: { output_path: out },
      home,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.argv[0]).toMatch(/bwrap$/);
    expect(r.value.argv.slice(r.value.argv.indexOf('--') + 1)).toEqual([
      'sh',
      'cube.sh',
      'copy',
      `--data_path=${path.join(cube, 'workspace', 'data')}`,
      `--output_path=${out}`,
    ]);
    expect(r.value.exitCode).toBe(0);
    expect(r.value.warnings.map((w) => w.code)).toEqual([]);
    expect(await readFile(path.join(out, 'out.txt'), 'utf8')).toBe('hello from the input\n');
  });

  it('keeps inputs, the cube folder and the rest of the machine read-only', async () => {
    const cube = await freshCube(
      'ro',
      `  escape:
    parameters:
      outputs: {output_path: out/}
`,
    );
    // The escape task tries the cube folder, the user's home, the repository and /var/tmp; only out/ may change.
    await writeFile(
      path.join(cube, 'cube.sh'),
      `#!/bin/sh
case "$1" in
  write-input) echo x > "\${2#--data_path=}/hacked.txt" && exit 0; echo "input is read-only"; exit 7 ;;
  escape)
    out="\${2#--output_path=}"
    for f in ./hacked "$HOME/gitperf-hacked" ${JSON.stringify(T)}/hacked /var/tmp/gitperf-hacked; do
      echo x > "$f" && echo "wrote $f (inside the sandbox only?)"
    done
    echo ok > "$out/written" || exit 9 ;;
esac
`,
    );
    const ro = await runTask({ cubeDir: cube, task: 'write-input', runner: 'local', home });
    if (!ro.ok) throw new Error(JSON.stringify(ro.diagnostics));
    expect(ro.value.exitCode).toBe(7);
    await expect(stat(path.join(cube, 'workspace', 'data', 'hacked.txt'))).rejects.toThrow();
    const esc = await runTask({ cubeDir: cube, task: 'escape', runner: 'local', home });
    if (!esc.ok) throw new Error(JSON.stringify(esc.diagnostics));
    expect(esc.value.exitCode, await readFile(esc.value.logPath, 'utf8')).toBe(0);
    expect(await readFile(path.join(cube, 'workspace', 'out', 'written'), 'utf8')).toBe('ok\n');
    for (const f of [
      path.join(cube, 'hacked'),
      path.join(os.homedir(), 'gitperf-hacked'),
      path.join(T, 'hacked'),
      '/var/tmp/gitperf-hacked',
    ]) {
      await expect(stat(f)).rejects.toThrow();
    }
  });

  it('has no network inside the sandbox (the same cube connects when unsandboxed)', async () => {
    let n = 0;
    const server = net.createServer((s) => {
      n++;
      s.end('hi\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as net.AddressInfo).port);
    try {
      const cube = await freshCube('net');
      const boxed = await runTask({
        cubeDir: cube,
        task: 'net',
        runner: 'local',
        home,
        env: { GP_PORT: port },
      });
      if (!boxed.ok) throw new Error(JSON.stringify(boxed.diagnostics));
      expect(boxed.value.exitCode).toBe(42);
      expect(n).toBe(0);
      // Without the sandbox (what happens when bwrap is missing) the cube reaches the host, with a loud warning.
      const bare = await runTask({
        cubeDir: cube,
        task: 'net',
        runner: 'local',
        home,
        env: { GP_PORT: port },
        sandbox: 'none',
      });
      if (!bare.ok) throw new Error(JSON.stringify(bare.diagnostics));
      expect(bare.value.exitCode).toBe(0);
      expect(n).toBe(1);
      expect(bare.value.warnings.map((w) => w.code)).toEqual(['cube.local-unsandboxed']);
      expect(await readFile(bare.value.logPath, 'utf8')).toContain('WITHOUT a sandbox');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('reports exit codes and kills the whole process group on timeout', async () => {
    const cube = await freshCube('group');
    const fail = await runTask({ cubeDir: cube, task: 'fail', runner: 'local', home });
    expect(fail.ok && fail.value.exitCode).toBe(3);
    const pidFile = path.join(T, 'child.pid');
    // A grandchild that would outlive its parent unless the whole group is killed.
    await writeFile(
      path.join(cube, 'cube.sh'),
      `#!/bin/sh\n(sleep 300; echo late > ${JSON.stringify(path.join(T, 'late'))}) &\necho $! > ${JSON.stringify(pidFile)}\nsleep 300\n`,
    );
    for (const sandbox of ['auto', 'none'] as const) {
      const r = await runTask({
        cubeDir: cube,
        task: 'sleep',
        runner: 'local',
        home,
        timeoutSeconds: 1,
        sandbox,
      });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.value.timedOut).toBe(true);
      expect(r.value.succeeded).toBe(false);
      if (sandbox === 'none') {
        // Outside a PID namespace the pid is the host's: it must be gone.
        const pid = Number((await readFile(pidFile, 'utf8')).trim());
        await new Promise((res) => setTimeout(res, 200));
        let state = 'gone';
        try {
          state = (await readFile(`/proc/${pid}/status`, 'utf8')).split('\n').slice(0, 4).join(' ');
        } catch {}
        // Dead: gone, or a zombie waiting for whichever process adopted it to reap it.
        expect(state === 'gone' || /State:\s*Z/.test(state), state).toBe(true);
      }
    }
  });
});

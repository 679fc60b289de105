/**
 * The local runner's sandbox, attacked from inside by a real cube (python3) under real bubblewrap, as the user
 * the tests run as (root here and in CI, where bubblewrap otherwise keeps every capability). The cube tries to
 * remount, to read what is not its own, to use the network and to write outside its output, and writes what it
 * saw into its output; the test asserts on that view and on the host. Without bwrap the run is refused unless
 * the user gives up the sandbox explicitly (`--unsafe-no-sandbox`).
 */
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from '../../cli/src/cube/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { assertTool, findTool, shouldRun } from '../helpers/containers.js';

const PROBE = `
import json, os, socket, subprocess, sys

args = dict(a[2:].split("=", 1) for a in sys.argv[2:])
out, data = args["output_path"], args["data_path"]
seen = {"uid": os.getuid(), "gid": os.getgid(), "root": sorted(os.listdir("/"))}
with open("/proc/self/status") as f:
    seen["capEff"] = [l.split()[1] for l in f if l.startswith("CapEff")][0]
seen["env"] = dict(os.environ)

def attempt(name, fn):
    try:
        seen[name] = "ALLOWED: " + str(fn())
    except Exception as e:
        seen[name] = "denied: " + type(e).__name__ + ": " + str(e)

def run(*argv):
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise PermissionError((r.stderr or r.stdout).strip())
    return r.stdout.strip()

def read(p):
    with open(p) as f:
        return f.read()

def write(p):
    with open(p, "w") as f:
        f.write("pwned")
    return p

def connect(host, port):
    s = socket.create_connection((host, port), timeout=3)
    s.close()
    return host

attempt("shadow", lambda: read("/etc/shadow"))
attempt("rootHome", lambda: os.listdir("/root"))
attempt("otherDataset", lambda: read(os.environ["GP_OTHER_DATASET"]))
attempt("otherDatasetFolder", lambda: os.listdir(os.path.dirname(os.environ["GP_OTHER_DATASET"])))
attempt("gitperfConfig", lambda: read(os.environ["GP_CONFIG"]))
attempt("loopback", lambda: connect("127.0.0.1", int(os.environ["GP_PORT"])))
attempt("internet", lambda: connect("1.1.1.1", 53))
# Attacks that would change the machine run only when the test knows the cube is sandboxed.
if os.environ.get("GP_ATTACK") == "1":
    attempt("remount", lambda: run("mount", "-o", "remount,rw", "/"))
    attempt("remountUsr", lambda: run("mount", "-o", "remount,rw,bind", "/usr"))
    attempt("writeUsr", lambda: write("/usr/pwned"))
    attempt("writeCube", lambda: write(os.path.join(os.getcwd(), "pwned")))
    attempt("writeInput", lambda: write(os.path.join(data, "pwned")))
    attempt("writeHostFolder", lambda: write(os.environ["GP_HOST_FILE"]))
    attempt("writeHostTmp", lambda: write(os.environ["GP_TMP_FILE"]))
attempt("writeOutput", lambda: write(os.path.join(out, "mine.txt")))
with open(os.path.join(out, "seen.json"), "w") as f:
    json.dump(seen, f, indent=1)
`;

const MANIFEST = `name: probe
local:
  command: python3 probe.py
tasks:
  probe:
    parameters:
      inputs: {data_path: data/}
      outputs: {output_path: {type: directory, default: out}}
`;

let T: string;
let cube: string;
let home: string;
let other: string;
let server: net.Server;
let port: string;
let connections = 0;

async function makeCube(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'workspace', 'data'), { recursive: true });
  await writeFile(path.join(dir, 'workspace', 'data', 'rows.csv'), 'a,b\n1,2\n');
  await writeFile(path.join(dir, 'mlcube.yaml'), MANIFEST);
  await writeFile(path.join(dir, 'probe.py'), PROBE);
}

/** What the cube saw, read back from its output. */
async function seen(outDir: string): Promise<Record<string, unknown> & { env: Record<string, string> }> {
  return JSON.parse(await readFile(path.join(outDir, 'seen.json'), 'utf8'));
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-sandbox-'));
  cube = path.join(T, 'cube');
  await makeCube(cube);
  home = path.join(T, 'home');
  await mkdir(home, { recursive: true });
  await writeFile(path.join(home, 'config.yaml'), 'profiles: {ana: {token: secret-config}}\n');
  other = path.join(T, 'datasets', 'hospital-b', 'data.csv');
  await mkdir(path.dirname(other), { recursive: true });
  await writeFile(other, 'patient,diagnosis\nsecret-patient,M\n');
  server = net.createServer((s) => {
    connections++;
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = String((server.address() as net.AddressInfo).port);
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  if (T) await rm(T, { recursive: true, force: true });
});

const probeEnv = () => ({
  GP_ATTACK: '1',
  GP_OTHER_DATASET: other,
  GP_CONFIG: path.join(home, 'config.yaml'),
  GP_PORT: port,
  // Outside /tmp (the repository): not in the sandbox at all.
  GP_HOST_FILE: hostFile,
  // Beside the cube under /tmp: the sandbox's /tmp is private, so a write there never reaches the host's.
  GP_TMP_FILE: path.join(T, 'pwned-host'),
});
const hostFile = path.join(repoRoot, '.gitperf-sandbox-test-pwned');

describe.skipIf(!shouldRun('bwrap'))('local runner sandbox, attacked from inside', () => {
  beforeAll(() => {
    assertTool('bwrap');
    assertTool('python3');
  });

  it('holds as root: no capabilities, no remount, nothing of the host but the runtime, no token, no network', async () => {
    const out = path.join(T, 'out-boxed');
    const saved = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, GH_TOKEN: process.env.GH_TOKEN };
    const connectionsBefore = connections;
    process.env.GITHUB_TOKEN = 'ghp_parentsecret';
    process.env.GH_TOKEN = 'gho_parentsecret';
    let r: Awaited<ReturnType<typeof runTask>>;
    try {
      r = await runTask({
        cubeDir: cube,
        task: 'probe',
        runner: 'local',
        params: { output_path: out },
        env: probeEnv(),
        home,
      });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const log = await readFile(r.value.logPath, 'utf8');
    expect(r.value.exitCode, log).toBe(0);
    expect(r.value.argv[0]).toMatch(/bwrap$/);
    const view = await seen(out);
    // Not root inside, and not one capability left, whoever gitperf runs as.
    expect(view.uid).toBe(65534);
    expect(view.gid).toBe(65534);
    expect(view.capEff).toBe('0000000000000000');
    for (const attack of [
      'remount',
      'remountUsr',
      'shadow',
      'rootHome',
      'otherDataset',
      'otherDatasetFolder',
      'gitperfConfig',
      'loopback',
      'internet',
      'writeUsr',
      'writeCube',
      'writeInput',
      'writeHostFolder',
    ]) {
      expect(view[attack], `${attack}: ${String(view[attack])}`).toMatch(/^denied: /);
    }
    expect(view.shadow).toMatch(/FileNotFoundError/);
    expect(view.rootHome).toMatch(/FileNotFoundError/);
    expect(view.otherDatasetFolder).toMatch(/FileNotFoundError/);
    expect(view.writeOutput).toBe(`ALLOWED: ${path.join(out, 'mine.txt')}`);
    // The root folder holds the system runtime, the private /tmp, /dev and /proc, and the path down to the
    // cube's own folders (they live under /tmp here): no /root, /home, /srv, /var, /work, /opt.
    const allowedTop = new Set([
      'bin',
      'sbin',
      'lib',
      'lib32',
      'lib64',
      'libx32',
      'usr',
      'etc',
      'dev',
      'proc',
      'tmp',
    ]);
    for (const d of [cube, out]) allowedTop.add(d.split(path.sep)[1] as string);
    expect((view.root as string[]).filter((e) => !allowedTop.has(e))).toEqual([]);
    // The environment is the fixed minimal set plus what the caller declared: no token of the parent.
    expect(view.env.GITHUB_TOKEN).toBeUndefined();
    expect(view.env.GH_TOKEN).toBeUndefined();
    expect(Object.keys(view.env).sort()).toEqual(
      [
        'GP_CONFIG',
        'GP_HOST_FILE',
        'GP_ATTACK',
        'GP_OTHER_DATASET',
        'GP_PORT',
        'GP_TMP_FILE',
        'HOME',
        'LANG',
        'PATH',
        'PWD',
        'PYTHONDONTWRITEBYTECODE',
      ].sort(),
    );
    expect(view.env.HOME).toBe('/tmp');
    expect(JSON.stringify(view)).not.toContain('secret');
    // And the host agrees: nothing written, no connection reached the loopback server.
    expect(connections).toBe(connectionsBefore);
    for (const f of [
      '/usr/pwned',
      path.join(cube, 'pwned'),
      path.join(cube, 'workspace', 'data', 'pwned'),
      path.join(T, 'pwned-host'),
    ])
      expect(await exists(f), f).toBe(false);
  });

  it('a cube folder reached through a link is bound, and nothing beside it', async () => {
    // The cube folder linked from elsewhere: the sandbox binds what the link resolves to, not its parent.
    const linked = path.join(T, 'linked-cube');
    await symlink(cube, linked);
    const out = path.join(T, 'out-linked');
    const r = await runTask({
      cubeDir: linked,
      task: 'probe',
      runner: 'local',
      params: { output_path: out },
      env: probeEnv(),
      home,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.exitCode, await readFile(r.value.logPath, 'utf8')).toBe(0);
    const view = await seen(out);
    expect(view.otherDataset).toMatch(/^denied: /);
    expect(view.gitperfConfig).toMatch(/^denied: /);
  });
});

describe('local runner without bubblewrap', () => {
  beforeAll(() => {
    assertTool('python3');
  });

  it('refuses to run, naming --unsafe-no-sandbox; with it the cube runs, still without the parent environment', async () => {
    const noBwrap = path.join(T, 'no-bwrap-bin');
    await mkdir(noBwrap, { recursive: true });
    const out = path.join(T, 'out-refused');
    const refused = await runTask({
      cubeDir: cube,
      task: 'probe',
      runner: 'local',
      params: { output_path: out },
      env: probeEnv(),
      home,
      searchPath: noBwrap,
    });
    expect(refused.ok).toBe(false);
    const err = refused.diagnostics.find((d) => d.severity === 'error');
    expect(err?.code).toBe('runner.no-sandbox');
    expect(err?.message).toContain('--unsafe-no-sandbox');
    expect(err?.message).toContain('bubblewrap (bwrap) is not installed');
    // Refused before anything happened: no output folder was created.
    expect(await exists(out)).toBe(false);

    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = 'ghp_parentsecret';
    let bare: Awaited<ReturnType<typeof runTask>>;
    try {
      bare = await runTask({
        cubeDir: cube,
        task: 'probe',
        runner: 'local',
        params: { output_path: out },
        env: { ...probeEnv(), GP_ATTACK: '0' },
        home,
        searchPath: noBwrap,
        sandbox: 'none',
      });
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    }
    if (!bare.ok) throw new Error(JSON.stringify(bare.diagnostics));
    expect(bare.value.exitCode, await readFile(bare.value.logPath, 'utf8')).toBe(0);
    expect(bare.value.argv[0]).toBe('python3');
    expect(bare.value.warnings.map((w) => w.code)).toEqual(['cube.local-unsandboxed']);
    expect(bare.value.warnings[0]?.message).toContain('--unsafe-no-sandbox');
    const view = await seen(out);
    // Unsandboxed the cube does see the machine (that is what the flag gives up), but never gitperf's tokens.
    expect(view.otherDataset).toMatch(/^ALLOWED: /);
    expect(view.env.GITHUB_TOKEN).toBeUndefined();
    await rm(path.join(T, 'pwned-host'), { force: true });
    await rm(hostFile, { force: true });
    await rm(path.join(cube, 'pwned'), { force: true });
    await rm(path.join(cube, 'workspace', 'data', 'pwned'), { force: true });
  });

  it('the command refuses without bwrap on PATH and runs with --unsafe-no-sandbox', async () => {
    // A PATH holding python3 and sh but no bwrap: a machine without bubblewrap.
    const bin = path.join(T, 'path-without-bwrap');
    await mkdir(bin, { recursive: true });
    const tools: Record<string, string | undefined> = {
      node: process.execPath,
      python3: (await exists('/usr/bin/python3')) ? '/usr/bin/python3' : findTool('python3'),
      sh: findTool('sh'),
    };
    for (const [tool, p] of Object.entries(tools)) {
      if (!p) throw new Error(`${tool} is needed`);
      await symlink(p, path.join(bin, tool)).catch(() => undefined);
    }
    const env = { PATH: bin, GITPERF_HOME: home, HOME: T };
    const out = path.join(T, 'out-cli');
    const args = [
      'cube',
      'run',
      '--cube',
      cube,
      '--task',
      'probe',
      '--runner',
      'local',
      `output_path=${out}/`,
    ];
    const refused = await runCli(args, { env });
    expect(refused.exitCode, refused.stderr).not.toBe(0);
    expect(refused.stderr).toContain('runner.no-sandbox');
    expect(refused.stderr).toContain('--unsafe-no-sandbox');
    expect(await exists(out)).toBe(false);
    const ran = await runCli([...args, '--unsafe-no-sandbox'], { env });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('WITHOUT a sandbox');
    expect(await exists(path.join(out, 'seen.json'))).toBe(true);
    await rm(path.join(T, 'pwned-host'), { force: true });
    await rm(hostFile, { force: true });
    await rm(path.join(cube, 'pwned'), { force: true });
    await rm(path.join(cube, 'workspace', 'data', 'pwned'), { force: true });
  }, 120_000);
});

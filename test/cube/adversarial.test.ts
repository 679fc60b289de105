/**
 * Attacks on execution safety: hostile tarballs (made byte for byte with Python's tarfile), manifests whose
 * defaults point outside the workspace, resources outside the registry or that are not files, cubes that
 * leave processes behind.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommand,
  copyVerified,
  extractTarball,
  fetchResource,
  fetchTarball,
  loadManifest,
  pinnedImage,
  planMounts,
  runTask,
  sha256Bytes,
  sha256File,
} from '../../cli/src/cube/index.js';
import { findTool } from '../helpers/containers.js';

let T: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-adv-'));
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

/** Raw tar entries, including what tests/cube/helpers/tar.ts cannot express (devices, PAX, GNU long names). */
type RawEntry = {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'chr' | 'blk';
  data?: string;
  target?: string;
  /** Per-entry PAX headers (e.g. a `path` overriding the header's name). */
  pax?: Record<string, string>;
};

async function rawTar(
  out: string,
  entries: RawEntry[],
  format: 'pax' | 'gnu' = 'pax',
  globalPax?: Record<string, string>,
): Promise<void> {
  const py = `
import io, json, sys, tarfile
out, fmt, spec = sys.argv[1], sys.argv[2], json.loads(sys.stdin.read())
kw = {'format': tarfile.PAX_FORMAT if fmt == 'pax' else tarfile.GNU_FORMAT}
if spec['global']: kw['pax_headers'] = spec['global']
types = {'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE,
         'chr': tarfile.CHRTYPE, 'blk': tarfile.BLKTYPE}
with tarfile.open(out, 'w', **kw) as t:
    for e in spec['entries']:
        i = tarfile.TarInfo(e['name'])
        data = None
        if e['type'] == 'file':
            data = e.get('data', '').encode(); i.size = len(data)
        else:
            i.type = types[e['type']]
            i.linkname = e.get('target', '')
            if e['type'] in ('chr', 'blk'): i.devmajor, i.devminor = 1, 3
        if e.get('pax'): i.pax_headers = e['pax']
        t.addfile(i, io.BytesIO(data) if data is not None else None)
`;
  await execa('python3', ['-c', py, out, format], {
    input: JSON.stringify({ entries, global: globalPax ?? null }),
  });
}

describe('hostile tarballs', () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}`;
  const evil: Array<[string, RawEntry[], string, 'pax' | 'gnu', Record<string, string>?]> = [
    [
      'a PAX path header overriding a harmless name with ../',
      [{ name: 'harmless.txt', type: 'file', data: 'x', pax: { path: '../evil.txt' } }],
      'tarball.parent-path',
      'pax',
    ],
    [
      'a PAX path header overriding a harmless name with an absolute path',
      [{ name: 'harmless.txt', type: 'file', data: 'x', pax: { path: '/tmp/gitperf-adv-evil.txt' } }],
      'tarball.absolute-path',
      'pax',
    ],
    [
      'a PAX linkpath header turning an inside symlink into an escaping one',
      [{ name: 'l', type: 'symlink', target: 'ok', pax: { linkpath: '../../../etc' } }],
      'tarball.link-escape',
      'pax',
    ],
    [
      'a global PAX linkpath header pointing every link outside',
      [{ name: 'l', type: 'symlink', target: 'ok' }],
      'tarball.link-escape',
      'pax',
      { linkpath: '/etc' },
    ],
    [
      'a GNU long name (over 100 bytes) that climbs out',
      [{ name: `${long}/../../../../evil.txt`, type: 'file', data: 'x' }],
      'tarball.parent-path',
      'gnu',
    ],
    [
      'a GNU long link target that climbs out',
      [{ name: 'l', type: 'symlink', target: `${'../'.repeat(40)}etc/passwd` }],
      'tarball.link-escape',
      'gnu',
    ],
    [
      'a hard link whose target climbs out through ..',
      [
        { name: 'a/x', type: 'file', data: 'x' },
        { name: 'h', type: 'hardlink', target: 'a/../../outside' },
      ],
      'tarball.link-escape',
      'pax',
    ],
    [
      'a hard link through an escaping directory symlink',
      [
        { name: 'l', type: 'symlink', target: '/etc' },
        { name: 'h', type: 'hardlink', target: 'l/passwd' },
      ],
      'tarball.link-escape',
      'pax',
    ],
    [
      'a hard link through an inside symlink that climbs out',
      [
        { name: 'a/up', type: 'symlink', target: '../..' },
        { name: 'h', type: 'hardlink', target: 'a/up/outside' },
      ],
      'tarball.link-escape',
      'pax',
    ],
    ['a character device', [{ name: 'null', type: 'chr' }], 'tarball.entry-type', 'pax'],
    ['a block device', [{ name: 'disk', type: 'blk' }], 'tarball.entry-type', 'pax'],
    [
      'a symlink replacing a folder after files were written into it',
      [
        { name: 'd/x', type: 'file', data: 'x' },
        { name: 'd', type: 'symlink', target: '/tmp' },
        { name: 'd/gitperf-adv-evil.txt', type: 'file', data: 'x' },
      ],
      'tarball.link-escape',
      'pax',
    ],
  ];
  for (const [what, entries, code, format, global] of evil) {
    it(`refuses ${what} (${code}) and writes nothing`, async () => {
      const tar = path.join(T, `evil-${Math.random().toString(16).slice(2)}.tar`);
      await rawTar(tar, entries, format, global);
      const dest = path.join(T, 'x', path.basename(tar));
      const r = await extractTarball(tar, dest);
      expect(r.ok, JSON.stringify(r.diagnostics)).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toContain(code);
      await expect(stat(dest)).rejects.toThrow();
      await expect(stat(path.join(T, 'x', 'evil.txt'))).rejects.toThrow();
      await expect(stat(path.join(T, 'evil.txt'))).rejects.toThrow();
      await expect(stat('/tmp/gitperf-adv-evil.txt')).rejects.toThrow();
    });
  }

  it('a global PAX path header (GNU tar would write ../evil.txt) is ignored alike by the check and the extraction', async () => {
    const tar = path.join(T, 'global-path.tar');
    await rawTar(tar, [{ name: 'a.txt', type: 'file', data: 'x' }], 'pax', { path: '../evil.txt' });
    const dest = path.join(T, 'global-path');
    const r = await extractTarball(tar, dest);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(await readFile(path.join(dest, 'a.txt'), 'utf8')).toBe('x');
    await expect(stat(path.join(T, 'evil.txt'))).rejects.toThrow();
  });

  it('extracts long names (GNU and PAX) that stay inside', async () => {
    for (const format of ['gnu', 'pax'] as const) {
      const tar = path.join(T, `long-${format}.tar`);
      await rawTar(tar, [{ name: `${long}/w.bin`, type: 'file', data: 'abc' }], format);
      const r = await extractTarball(tar, path.join(T, `long-${format}`));
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(await readFile(path.join(T, `long-${format}`, long, 'w.bin'), 'utf8')).toBe('abc');
    }
  });
});

describe('manifest parameters pointing outside the workspace', () => {
  async function cubeWith(params: string): Promise<string> {
    const dir = await mkdtemp(path.join(T, 'cube-'));
    await mkdir(path.join(dir, 'workspace', 'data'), { recursive: true });
    await writeFile(path.join(dir, 'workspace', 'data', 'in.txt'), 'in\n');
    await writeFile(
      path.join(dir, 'mlcube.yaml'),
      `name: adv\nlocal:\n  command: sh cube.sh\ntasks:\n  run:\n    parameters:\n${params}`,
    );
    return dir;
  }
  async function plan(dir: string, params?: Record<string, string>, env?: NodeJS.ProcessEnv) {
    const m = await loadManifest(dir);
    if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
    return planMounts(m.value, 'run', { params, env });
  }

  it('refuses an input default of ../../etc', async () => {
    const dir = await cubeWith('      inputs: {data_path: ../../../../../../../../etc/}\n');
    const r = await plan(dir);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cube.param-outside-workspace']);
    expect(r.diagnostics[0].message).toContain('data_path=PATH');
  });

  it('refuses output defaults under ~ or $HOME, and creates nothing there', async () => {
    const home = path.join(T, 'fake-home');
    await mkdir(home, { recursive: true });
    for (const out of ['~/gitperf-adv-out/', '$HOME/gitperf-adv-out/', `${home}/gitperf-adv-out/`]) {
      const dir = await cubeWith(`      outputs: {output_path: ${JSON.stringify(out)}}\n`);
      const r = await plan(dir, undefined, { HOME: home });
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['cube.param-outside-workspace']);
    }
    await expect(stat(path.join(home, 'gitperf-adv-out'))).rejects.toThrow();
    await expect(stat(path.join(os.homedir(), 'gitperf-adv-out'))).rejects.toThrow();
  });

  it('refuses a default that reaches outside through a symlink a previous run left in an output folder', async () => {
    const outside = path.join(T, 'victim');
    await mkdir(outside, { recursive: true });
    const dir = await cubeWith('      outputs: {output_path: out/link/}\n');
    await mkdir(path.join(dir, 'workspace', 'out'), { recursive: true });
    await symlink(outside, path.join(dir, 'workspace', 'out', 'link'));
    const r = await plan(dir);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cube.param-outside-workspace']);
  });

  it('accepts defaults inside the workspace and paths the caller passes anywhere', async () => {
    const dir = await cubeWith(
      '      inputs: {data_path: data/}\n      outputs: {output_path: ./out/../out/}\n',
    );
    const inside = await plan(dir);
    if (!inside.ok) throw new Error(JSON.stringify(inside.diagnostics));
    const mine = path.join(T, 'my-data');
    await mkdir(mine, { recursive: true });
    const chosen = await plan(dir, { data_path: mine, output_path: path.join(T, 'my-out/') });
    if (!chosen.ok) throw new Error(JSON.stringify(chosen.diagnostics));
    expect(chosen.value.params.map((p) => p.hostPath)).toEqual([mine, path.join(T, 'my-out')]);
  });
});

describe('a manifest smuggling engine options', () => {
  it('refuses a docker.image that is an option (--privileged, --volume=/:/host)', async () => {
    for (const image of ['--privileged', '--volume=/:/host', 'busybox --privileged']) {
      const dir = await mkdtemp(path.join(T, 'img-'));
      await mkdir(path.join(dir, 'workspace'), { recursive: true });
      await writeFile(
        path.join(dir, 'mlcube.yaml'),
        `name: img\ndocker:\n  image: ${JSON.stringify(image)}\ntasks:\n  infer: {}\n`,
      );
      const m = await loadManifest(dir);
      if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
      const plan = await planMounts(m.value, 'infer');
      if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
      for (const runner of ['podman', 'docker'] as const) {
        const cmd = buildCommand(m.value, plan.value, {
          runner,
          containerName: 'gitperf-x',
          user: '1000:1000',
          loglevel: 'info',
        });
        expect(cmd.ok).toBe(false);
        expect(cmd.diagnostics.map((d) => d.code)).toEqual(['cube.bad-image']);
      }
    }
  });
});

describe('singularity run_args from the manifest', () => {
  async function sing(runArgs: string) {
    const dir = await mkdtemp(path.join(T, 'sif-'));
    await mkdir(path.join(dir, 'workspace'), { recursive: true });
    await writeFile(
      path.join(dir, 'mlcube.yaml'),
      `name: s\nsingularity:\n  image: s.sif\n  run_args: ${JSON.stringify(runArgs)}\ntasks:\n  infer: {}\n`,
    );
    const m = await loadManifest(dir);
    if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
    const plan = await planMounts(m.value, 'infer');
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    return buildCommand(m.value, plan.value, {
      runner: 'singularity',
      containerName: 'x',
      user: '1000:1000',
      loglevel: 'info',
    });
  }

  it('refuses options that mount host folders, reach the network or add privileges', async () => {
    for (const a of [
      '--bind /:/host',
      '-B /home:/h',
      '--home /root',
      '--network bridge',
      '--add-caps ALL',
      '--env-file /etc/shadow',
    ]) {
      const r = await sing(a);
      expect(r.ok, a).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['cube.unsafe-run-args']);
    }
  });

  it('passes GPU and isolation options on', async () => {
    const r = await sing('--nv --no-home');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.argv).toContain('--nv');
    expect(r.value.argv.slice(0, 6)).toEqual([
      'singularity',
      'run',
      '--cleanenv',
      '--containall',
      '--net',
      '--network',
    ]);
  });
});

describe('image pinning', () => {
  it('runs the registered digest even when the reference carries another one', () => {
    const registered = `sha256:${'b'.repeat(64)}`;
    expect(pinnedImage({ reference: `evil/img@sha256:${'a'.repeat(64)}`, digest: registered })).toBe(
      `evil/img@${registered}`,
    );
    expect(pinnedImage({ reference: 'localhost/x:1', digest: registered })).toBe(
      `localhost/x:1@${registered}`,
    );
    expect(pinnedImage({ reference: 'localhost/x:1' })).toBe('localhost/x:1');
  });
});

describe('resources outside the registry, or not files', () => {
  let reg: string;
  let home: string;
  beforeAll(async () => {
    reg = path.join(T, 'reg');
    home = path.join(T, 'res-home');
    await mkdir(path.join(reg, 'files'), { recursive: true });
    await writeFile(path.join(T, 'secret.txt'), 'secret');
  });

  it('refuses a relative path that climbs out of the registry, even with the right hash', async () => {
    const r = await fetchResource(
      { url: '../secret.txt', sha256: sha256Bytes('secret') },
      { baseDir: reg, home },
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['resource.outside-registry']);
    const deep = await fetchResource(
      { url: 'files/../../secret.txt', sha256: sha256Bytes('secret') },
      { baseDir: reg, home },
    );
    expect(deep.diagnostics.map((d) => d.code)).toEqual(['resource.outside-registry']);
  });

  it('refuses a relative path through a symlink committed in the registry', async () => {
    await symlink(path.join(T, 'secret.txt'), path.join(reg, 'files', 'link.txt'));
    const r = await fetchResource(
      { url: 'files/link.txt', sha256: sha256Bytes('secret') },
      { baseDir: reg, home },
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['resource.outside-registry']);
  });

  it('refuses device files (file:///dev/zero would fill the cache) and folders', async () => {
    for (const url of ['file:///dev/zero', '/dev/zero', 'file:///etc/']) {
      const r = await fetchResource({ url, sha256: sha256Bytes('x') }, { baseDir: reg, home });
      expect(r.diagnostics.map((d) => d.code)).toEqual(['resource.not-a-file']);
    }
  });

  it('file:///etc/shadow-like paths are only ever used when they match the registered hash', async () => {
    const r = await fetchResource(
      { url: `file://${path.join(T, 'secret.txt')}`, sha256: sha256Bytes('something else') },
      { baseDir: reg, home },
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['resource.hash-mismatch']);
    // Unreadable files (as /etc/shadow is for a user) are refused cleanly, not thrown.
    if (process.getuid?.() !== 0) {
      const shadow = await fetchResource({ url: 'file:///etc/shadow', sha256: sha256Bytes('x') }, { home });
      expect(shadow.ok).toBe(false);
      expect(shadow.diagnostics.map((d) => d.code)).toEqual(['resource.fetch-failed']);
    }
  });
});

describe('a cube that leaves processes behind', () => {
  async function cube(script: string): Promise<string> {
    const dir = await mkdtemp(path.join(T, 'bg-'));
    await mkdir(path.join(dir, 'workspace'), { recursive: true });
    await writeFile(
      path.join(dir, 'mlcube.yaml'),
      'name: bg\nlocal:\n  command: sh cube.sh\ntasks:\n  run:\n    parameters:\n      outputs: {output_path: out/}\n',
    );
    await writeFile(path.join(dir, 'cube.sh'), script);
    return dir;
  }
  const gone = async (pid: number) => {
    try {
      const st = await readFile(`/proc/${pid}/status`, 'utf8');
      return /State:\s*Z/.test(st); // a zombie waiting to be reaped is dead
    } catch {
      return true;
    }
  };

  it('unsandboxed: a background child holding the output pipe neither hangs the run nor survives it', async () => {
    const pidFile = path.join(T, 'bg.pid');
    const dir = await cube(`#!/bin/sh\nsleep 300 &\necho $! > ${JSON.stringify(pidFile)}\nexit 0\n`);
    const r = await runTask({ cubeDir: dir, task: 'run', runner: 'local', sandbox: 'none', home: T });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.exitCode).toBe(0);
    expect(r.value.timedOut).toBe(false);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    await new Promise((res) => setTimeout(res, 100));
    expect(await gone(pid)).toBe(true);
  }, 20_000);

  it('unsandboxed: a detached background child (output to /dev/null) does not survive a normal exit', async () => {
    const pidFile = path.join(T, 'bg2.pid');
    const dir = await cube(
      `#!/bin/sh\nsleep 300 >/dev/null 2>&1 </dev/null &\necho $! > ${JSON.stringify(pidFile)}\nexit 0\n`,
    );
    const r = await runTask({ cubeDir: dir, task: 'run', runner: 'local', sandbox: 'none', home: T });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    await new Promise((res) => setTimeout(res, 100));
    expect(await gone(pid)).toBe(true);
  }, 20_000);

  it.skipIf(!findTool('bwrap'))(
    'sandboxed: a background child cannot write after the run ends',
    async () => {
      const dir = await cube(
        // A plain background child and one in a new session (which a process-group kill would miss).
        `#!/bin/sh\nout="\${2#--output_path=}"\n(sleep 1; echo late > "$out/late") >/dev/null 2>&1 &\n` +
          `setsid sh -c "sleep 1; echo late > $out/late2" >/dev/null 2>&1 &\n` +
          // Long enough for setsid to have left the group: only the PID namespace can stop it then.
          'sleep 0.3\nexit 0\n',
      );
      const r = await runTask({ cubeDir: dir, task: 'run', runner: 'local', home: T });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.value.argv[0]).toMatch(/bwrap$/);
      await new Promise((res) => setTimeout(res, 1500));
      await expect(stat(path.join(dir, 'workspace', 'out', 'late'))).rejects.toThrow();
      await expect(stat(path.join(dir, 'workspace', 'out', 'late2'))).rejects.toThrow();
    },
    20_000,
  );
});

describe('a cached resource replaced between verification and use', () => {
  it('copyVerified keeps exactly the bytes it hashed, and refuses a changed source or a planted destination', async () => {
    const src = path.join(T, 'cache-entry.bin');
    await writeFile(src, 'good');
    const copy = path.join(T, 'private-copy.bin');
    expect(await copyVerified(src, sha256Bytes('good'), copy, 'additional files of ana/x')).toBeUndefined();
    // The cache entry is replaced after the copy was verified: the copy, which is what gets used, is unchanged.
    await writeFile(src, 'evil');
    expect(await readFile(copy, 'utf8')).toBe('good');
    // Replaced before the copy: refused, and no copy is left behind.
    const again = path.join(T, 'private-copy-2.bin');
    const bad = await copyVerified(src, sha256Bytes('good'), again, 'additional files of ana/x');
    expect(bad?.code).toBe('resource.hash-mismatch');
    expect(bad?.message).toContain('additional files of ana/x');
    await expect(stat(again)).rejects.toThrow();
    // A destination planted in advance (a symlink to somewhere else) is never written through.
    const planted = path.join(T, 'planted');
    await symlink(path.join(T, 'victim.txt'), planted);
    await writeFile(src, 'good');
    expect((await copyVerified(src, sha256Bytes('good'), planted))?.code).toBe('resource.missing');
    await expect(stat(path.join(T, 'victim.txt'))).rejects.toThrow();
  });

  it('fetchTarball extracts a private verified copy and leaves no copy behind', async () => {
    const reg = path.join(T, 'reg3');
    await mkdir(reg, { recursive: true });
    const tar = path.join(reg, 'demo.tar');
    await rawTar(tar, [{ name: 'paths.yaml', type: 'file', data: 'data_path: data\n' }]);
    const res = { url: 'demo.tar', sha256: await sha256File(tar) };
    const out = path.join(T, 'demo-out');
    const r = await fetchTarball(res, path.join(out, 'demo'), { baseDir: reg, home: path.join(T, 'home3') });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(await readdir(out)).toEqual(['demo']);
    expect(await readFile(path.join(out, 'demo', 'paths.yaml'), 'utf8')).toBe('data_path: data\n');
  });
});

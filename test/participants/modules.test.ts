/** Participant modules on real files, a real http server and a real git repository. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitperfError } from '../../cli/src/diagnostics/diagnostic.js';
import { requireConsent, terminalConsent } from '../../cli/src/participants/consent.js';
import { parseImage } from '../../cli/src/participants/mlcube-submit.js';
import { resolveResource } from '../../cli/src/participants/resources.js';
import { metricsBlock } from '../../cli/src/participants/result-submit.js';
import { registrySnapshot } from '../../cli/src/participants/snapshot.js';
import type { Result } from '../../cli/src/registry/types.generated.js';
import { openLocalContext } from '../../cli/src/submission/index.js';

let tmp: string;
let repo: string;
let server: Server;
let base: string;
const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof GitperfError) return e.diagnostic.code;
    throw e;
  }
  return 'no error';
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-participants-mod-'));
  repo = join(tmp, 'repo');
  await mkdir(join(repo, 'cubes', 'x'), { recursive: true });
  await writeFile(join(repo, 'cubes', 'x', 'mlcube.yaml'), 'in the repo\n');
  await writeFile(join(tmp, 'outside.yaml'), 'outside\n');
  server = createServer((req, res) => {
    if (req.url === '/m.yaml') res.end('served\n');
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('resolveResource', () => {
  const o = (cwd?: string) => ({
    repoRoot: repo,
    cwd: cwd ?? tmp,
    tmpDir: join(tmp, '.tmp'),
    label: 'manifest',
  });

  it('records a repository file by its repository path, even from another folder', async () => {
    const r = await resolveResource('cubes/x/mlcube.yaml', o());
    // The size is recorded with the hash: it caps every later download of the file.
    expect(r.resource).toEqual({
      url: 'cubes/x/mlcube.yaml',
      sha256: sha('in the repo\n'),
      size: 'in the repo\n'.length,
    });
    expect(r.diagnostics).toEqual([]);
  });

  it('warns when the local copy differs from the repository one, and registers the repository one', async () => {
    await mkdir(join(tmp, 'cubes', 'x'), { recursive: true });
    await writeFile(join(tmp, 'cubes', 'x', 'mlcube.yaml'), 'edited locally\n');
    const r = await resolveResource('cubes/x/mlcube.yaml', o());
    expect(r.resource.sha256).toBe(sha('in the repo\n'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['resource.differs-from-registry']);
  });

  it('records other local files as file:// URLs with a warning', async () => {
    const r = await resolveResource('outside.yaml', o());
    expect(r.resource).toEqual({
      url: pathToFileURL(join(tmp, 'outside.yaml')).href,
      sha256: sha('outside\n'),
      size: 'outside\n'.length,
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['resource.local-only']);
    const u = await resolveResource(pathToFileURL(join(tmp, 'outside.yaml')).href, o());
    expect(u.resource.sha256).toBe(sha('outside\n'));
    expect(u.resource.size).toBe('outside\n'.length);
  });

  it('downloads http(s) URLs to hash them, and keeps the URL', async () => {
    const r = await resolveResource(`${base}/m.yaml`, o());
    expect(r.resource).toEqual({ url: `${base}/m.yaml`, sha256: sha('served\n'), size: 'served\n'.length });
    expect(await codeOf(resolveResource(`${base}/missing`, o()))).toBe('resource.fetch-failed');
  });

  it('refuses what it cannot read', async () => {
    expect(await codeOf(resolveResource('nope.yaml', o()))).toBe('resource.missing');
    expect(await codeOf(resolveResource('ftp://x/y', o()))).toBe('resource.bad-url');
    expect(await codeOf(resolveResource('../outside.yaml', o(join(tmp, 'repo'))))).toBe('no error');
  });
});

describe('consent', () => {
  it('without a terminal and without -y it refuses instead of assuming yes', async () => {
    const c = terminalConsent({ json: true });
    expect(await codeOf(c('what', 'ok?'))).toBe('consent.required');
    expect(await terminalConsent({ yes: true, json: true })('what', 'ok?')).toBe(true);
    expect(await codeOf(Promise.resolve().then(() => requireConsent(false)))).toBe('consent.refused');
  });

  /** A terminal the test types into: what the question shows goes to `shown`. */
  const terminal = () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
    const out = new PassThrough();
    let shown = '';
    out.on('data', (chunk: Buffer) => {
      shown += chunk.toString('utf8');
    });
    return { input, out, shown: () => shown };
  };

  it('on a terminal, shows what leaves and takes y as consent and anything else as no', async () => {
    for (const [typed, expected] of [
      ['y\r', true],
      ['yes\r', true],
      ['n\r', false],
      ['\r', false],
    ] as const) {
      const tty = terminal();
      const answer = terminalConsent({ input: tty.input, out: tty.out })('the metrics', 'Publish?');
      setTimeout(() => tty.input.write(typed), 20);
      expect(await answer).toBe(expected);
      expect(tty.shown()).toContain('the metrics');
      expect(tty.shown()).toContain('Publish? [y/N]');
    }
  });

  it('Ctrl-C or Ctrl-D at the question is a refusal that says so (exit 130), not a crash', async () => {
    for (const typed of ['\x03', '\x04']) {
      const tty = terminal();
      const answer = terminalConsent({ input: tty.input, out: tty.out })('the metrics', 'Publish?');
      setTimeout(() => tty.input.write(typed), 20);
      const failure = await answer.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(GitperfError);
      expect((failure as GitperfError).diagnostic.code).toBe('consent.interrupted');
      expect((failure as GitperfError).exitCode).toBe(130);
    }
  });
});

describe('the consent screen of results', () => {
  it('marks a result no runner signed as unsigned, and a signed one not', () => {
    const result = {
      spec: { model: 'lee/bc-centroid', partial: false, metrics: { auc: 0.91 } },
    } as unknown as Result;
    expect(metricsBlock(result).split('\n')).toEqual([
      '  lee/bc-centroid  (unsigned: submitted by hand, no runner signed it)',
      '    auc: 0.91',
    ]);
    const signed = { spec: { ...result.spec, signature: '-----BEGIN SSH SIGNATURE-----\n' } } as Result;
    expect(metricsBlock(signed).split('\n')[0]).toBe('  lee/bc-centroid');
  });
});

describe('parseImage', () => {
  it('splits a pinned reference and refuses a malformed digest', () => {
    const d = `sha256:${'b'.repeat(64)}`;
    expect(parseImage(`localhost/x/y:0.1@${d}`)).toEqual({ reference: 'localhost/x/y:0.1', digest: d });
    expect(parseImage('x/y:1')).toEqual({ reference: 'x/y:1' });
    expect(() => parseImage('x@sha256:1')).toThrow(GitperfError);
  });
});

describe('registrySnapshot', () => {
  it('extracts the default branch once per commit, and keeps only the latest few', async () => {
    const work = join(tmp, 'reg');
    await mkdir(join(work, 'registry'), { recursive: true });
    const git = (args: string[]) =>
      execa('git', ['-C', work, ...args], {
        env: {
          GIT_AUTHOR_NAME: 'a',
          GIT_AUTHOR_EMAIL: 'a@x',
          GIT_COMMITTER_NAME: 'a',
          GIT_COMMITTER_EMAIL: 'a@x',
        },
      });
    const bare = join(tmp, 'reg.git');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    await git(['init', '-q', '-b', 'main']);
    await git(['remote', 'add', 'origin', bare]);
    const home = join(tmp, 'home');
    const shas: string[] = [];
    for (let i = 0; i < 6; i++) {
      await writeFile(
        join(work, 'registry', 'registry.yaml'),
        `apiVersion: gitperf/v1\nkind: Registry\nmetadata:\n  name: r${i}\nspec:\n  bots: []\n`,
      );
      await git(['add', '-A']);
      await git(['commit', '-qm', `c${i}`]);
      await git(['push', '-q', 'origin', 'main']);
      const ctx = await openLocalContext(bare, 'a');
      const s = await registrySnapshot(ctx, home);
      expect(s.registry.index.registry()?.entity.metadata.name).toBe(`r${i}`);
      expect((await registrySnapshot(ctx, home)).root).toBe(s.root);
      shas.push(s.sha);
    }
    const kept = await readdir(join(home, 'registries', (await readdir(join(home, 'registries')))[0]));
    expect(kept.sort()).toEqual(shas.slice(-4).sort());
  });
});

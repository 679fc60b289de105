import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitperfError } from '../../../cli/src/diagnostics/diagnostic.js';
import { LocalForge } from '../../../cli/src/forge/local/local-forge.js';
import { initRegistry, PACKAGE_SCHEMAS } from '../../../cli/src/init/scaffold.js';
import { loadConfig } from '../../../cli/src/profile/profile.js';
import * as validators from '../../../cli/src/registry/validators.generated.js';

type Validate = ((d: unknown) => boolean) & { errors?: unknown };
const V = validators as unknown as Record<string, Validate>;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GitperfError) return e.diagnostic.code;
    throw e;
  }
  throw new Error('expected a GitperfError');
}

describe('gitperf init (module)', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gitperf-init-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('scaffolds registry settings, the first admin, schemas and workflow placeholders, committed on main', async () => {
    const dir = join(tmp, 'demo-consortium');
    const r = await initRegistry({ dir, admin: 'ada' });
    expect(r.name).toBe('demo-consortium');
    const registry = parse(await readFile(join(dir, 'registry/registry.yaml'), 'utf8'));
    expect(registry).toEqual({
      apiVersion: 'gitperf/v1',
      kind: 'Registry',
      metadata: { name: 'demo-consortium', description: 'The demo-consortium gitperf registry.' },
      spec: { bots: ['gitperf-bot'], defaultBranch: 'main' },
    });
    expect(V.Registry(registry)).toBe(true);
    const admin = parse(await readFile(join(dir, 'registry/users/ada.yaml'), 'utf8'));
    expect(admin).toEqual({
      apiVersion: 'gitperf/v1',
      kind: 'User',
      metadata: { name: 'ada' },
      spec: { roles: ['admin'] },
    });
    expect(V.User(admin)).toBe(true);
    // Schemas are byte-identical copies of the package's own.
    const schemas = (await readdir(PACKAGE_SCHEMAS)).filter((f) => f.endsWith('.json')).sort();
    expect(schemas.length).toBeGreaterThan(5);
    expect((await readdir(join(dir, 'schemas'))).sort()).toEqual(schemas);
    for (const f of schemas)
      expect(await readFile(join(dir, 'schemas', f), 'utf8')).toBe(
        await readFile(join(PACKAGE_SCHEMAS, f), 'utf8'),
      );
    const workflows = await readdir(join(dir, '.github/workflows'));
    expect(workflows.sort()).toEqual(['gitperf-check.yml', 'gitperf-execute.yml', 'gitperf-leaderboard.yml']);
    for (const w of workflows) {
      const text = await readFile(join(dir, '.github/workflows', w), 'utf8');
      expect(text).toMatch(/PLACEHOLDER/);
      expect(parse(text)).toHaveProperty('jobs.placeholder');
    }
    // Everything is committed, by the admin, and the tree is clean.
    const git = (...a: string[]) => execa('git', ['-C', dir, ...a]).then((x) => String(x.stdout).trim());
    expect(await git('rev-parse', 'HEAD')).toBe(r.commit);
    expect(await git('symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(await git('status', '--porcelain')).toBe('');
    expect(await git('log', '-1', '--format=%an')).toBe('ada');
    expect((await git('ls-files')).split('\n').sort()).toEqual(r.files);
    expect(r.bare).toBeUndefined();
  });

  it('--local creates the bare repository the local forge serves and a current profile for the admin', async () => {
    const dir = join(tmp, 'reg');
    const home = join(tmp, 'home');
    const r = await initRegistry({ dir, admin: 'ada', name: 'demo-consortium', local: { home } });
    expect(r.bare).toBe(`${dir}.git`);
    expect(r.profile).toBe('demo-consortium');
    const config = await loadConfig(home);
    expect(config.current).toBe('demo-consortium');
    expect(config.profiles['demo-consortium']).toEqual({
      forge: 'local',
      registry: `${dir}.git`,
      user: 'ada',
    });
    const bareMain = String(
      (await execa('git', ['--git-dir', `${dir}.git`, 'rev-parse', 'main'])).stdout,
    ).trim();
    expect(bareMain).toBe(r.commit);
    // The forge serves it, and the working clone fetches submissions too.
    const forge = await LocalForge.open({ registry: r.bare as string, user: 'ana' });
    const s = await forge.openSubmission({
      title: 'Add user ana',
      body: '',
      author: 'ana',
      files: [{ path: 'registry/users/ana.yaml', content: 'x\n' }],
    });
    expect(s.baseSha).toBe(r.commit);
    await execa('git', ['-C', dir, 'fetch', '--quiet']);
    const fetched = String(
      (await execa('git', ['-C', dir, 'rev-parse', 'refs/gitperf/pulls/1/head'])).stdout,
    ).trim();
    expect(fetched).toBe(s.headSha);
  });

  it('refuses a non-empty folder, an existing bare path or profile, and bad names, writing nothing', async () => {
    const full = join(tmp, 'full');
    await execa('mkdir', [full]);
    await writeFile(join(full, 'x'), 'x');
    expect(await codeOf(initRegistry({ dir: full, admin: 'ada' }))).toBe('init.dir-not-empty');
    expect(await codeOf(initRegistry({ dir: join(tmp, 'a'), admin: 'Ada!' }))).toBe('init.admin-invalid');
    expect(await codeOf(initRegistry({ dir: join(tmp, 'a'), admin: 'ada', name: 'Bad_Name' }))).toBe(
      'init.name-invalid',
    );
    const home = join(tmp, 'home');
    await initRegistry({ dir: join(tmp, 'one'), admin: 'ada', name: 'one', local: { home } });
    expect(
      await codeOf(initRegistry({ dir: join(tmp, 'two'), admin: 'ada', name: 'one', local: { home } })),
    ).toBe('profile.exists');
    expect(
      await codeOf(
        initRegistry({ dir: join(tmp, 'three'), admin: 'ada', local: { home, bare: join(tmp, 'one.git') } }),
      ),
    ).toBe('init.bare-exists');
    // Refused inits left nothing behind.
    expect((await readdir(tmp)).sort()).toEqual(['full', 'home', 'one', 'one.git']);
  });
});

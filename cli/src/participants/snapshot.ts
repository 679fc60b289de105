/**
 * The registry as the procedures read it: the base branch's tree at its current commit, extracted once per
 * commit into `$GITPERF_HOME/registries/<repo key>/<sha>/`. The procedures (cube materialisation, the
 * compatibility test, benchmark runs) read folders, and relative resource URLs resolve against the
 * repository root, so the whole tree is extracted, not only `registry/`. Works for the local forge (the
 * bare repository) and for GitHub (the clone the policy reads).
 */
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import { extractArchive } from '../git/git.js';
import { placeDirOnce, stagingDir } from '../infra/atomic-write.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { sha256Hex } from '../infra/sha256.js';
import type { SubmissionContext } from '../submission/index.js';
import { openRegistry, type RegistryView } from '../workflows/registry-access.js';

export interface RegistrySnapshot {
  /** The base branch commit the snapshot shows. */
  sha: string;
  /** Repository root (relative resource URLs resolve here). */
  root: string;
  /** `<root>/registry`. */
  registryDir: string;
  /** The loaded registry (index of valid entities). */
  registry: RegistryView;
}

/** How many extracted commits to keep per repository (older ones are removed). */
const KEEP = 4;

export async function registrySnapshot(ctx: SubmissionContext, home: string): Promise<RegistrySnapshot> {
  const base = await ctx.baseState();
  const parent = homeLayout(home).registrySnapshots(sha256Hex(base.repoDir).slice(0, 16));
  const root = join(parent, base.sha);
  if (!(await stat(join(root, '.complete')).catch(() => undefined))) {
    let staged: string | undefined;
    try {
      staged = await stagingDir(parent, `.tmp-${base.sha.slice(0, 12)}`);
      await extractArchive(base.sha, staged, { cwd: base.repoDir });
      await writeFile(join(staged, '.complete'), `${base.sha}\n`);
      // Another process may have extracted the same commit first (theirs is as good as ours, and may be
      // in use): placed once, never replaced.
      if (
        !(await placeDirOnce(staged, root)) &&
        !(await stat(join(root, '.complete')).catch(() => undefined))
      )
        throw new Error(`${root} exists but is not a complete snapshot`);
    } catch (e) {
      if (staged) await rm(staged, { recursive: true, force: true });
      fail(
        'registry.snapshot-failed',
        `cannot read the registry at ${base.sha} from ${base.repoDir}: ${(e as Error).message}`,
      );
    }
    await prune(parent, base.sha);
  }
  const registryDir = join(root, 'registry');
  if (!(await stat(join(registryDir, 'registry.yaml')).catch(() => undefined)))
    fail(
      'registry.not-found',
      `the default branch of ${base.repoDir} has no registry/registry.yaml; create it with \`gitperf init\``,
    );
  return { sha: base.sha, root, registryDir, registry: await openRegistry(registryDir) };
}

async function prune(parent: string, keep: string): Promise<void> {
  const entries = (await readdir(parent)).filter((e) => /^[0-9a-f]{40,64}$/.test(e) && e !== keep);
  const dated = await Promise.all(
    entries.map(async (e) => ({ e, t: (await stat(join(parent, e)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  dated.sort((a, b) => b.t - a.t);
  for (const { e } of dated.slice(KEEP - 1)) await rm(join(parent, e), { recursive: true, force: true });
}

/**
 * The registry as the active profile sees it, for the read-only listings: `--registry` (a folder), else a
 * local profile's registry at its default branch (the merged state, read from git without a
 * checkout), else `./registry` in the current checkout.
 */
import { statSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { fail, warning } from '../diagnostics/diagnostic.js';
import type { LocalForgeAddress } from '../forge/forge.js';
import { createForge } from '../forge/index.js';
import { GitFileSource } from '../policy/git-file-source.js';
import { GitView, resolveCommit } from '../policy/index.js';
import { resolveProfile } from '../profile/profile.js';
import { type FileSource, FsFileSource } from '../registry/file-source.js';
import { loadRegistry } from '../registry/loader.js';
import { findRegistryDir } from '../registry/registry-folder.js';
import { RegistryIndex } from '../registry/registry-index.js';

export interface RegistryState {
  index: RegistryIndex;
  /** Where it was read from, for people: a folder, or `repo@branch (sha)`. */
  source: string;
  /** Files that did not load (schema errors and the like); listings skip them. */
  problems: Diagnostic[];
  /** For a local profile: the repository and commit the files come from (history readers need them). */
  git?: RegistryHistory;
}

export interface RegistryHistory {
  repoDir: string;
  commit: string;
  registryPrefix: string;
}

function isDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export async function registrySource(opts: { registry?: string; profile?: string }): Promise<{
  source: FileSource;
  where: string;
  git?: RegistryHistory;
}> {
  if (opts.registry) {
    if (!isDir(opts.registry))
      fail(
        'registry.dir-missing',
        `${opts.registry} is not a folder; pass the registry folder (or the repository holding registry/) with --registry`,
        {},
        2,
      );
    // As the commands that run cubes read --registry: the folder itself, or the repository holding registry/.
    const folder = (await findRegistryDir(opts.registry)) ?? opts.registry;
    return { source: new FsFileSource(folder), where: folder };
  }
  let local: LocalForgeAddress | undefined;
  try {
    const profile = await resolveProfile(opts.profile);
    if (profile.profile.forge === 'local') local = profile.profile;
  } catch (e) {
    // No profile at all is fine when the current folder is a checkout; a named but unknown one is not.
    if (opts.profile || !isDir('registry')) throw e;
  }
  // Through the forge, so a URL registry is fetched into its cache first.
  const repository = local && (await createForge(local)).forge.localRepository;
  if (local && repository) {
    const ref = await repository.defaultBranchRef();
    const sha = resolveCommit(repository.gitDir, ref);
    return {
      source: new GitFileSource(new GitView(repository.gitDir, sha)),
      where: `${local.registry}@${ref.replace(/^refs\/heads\//, '')} (${sha.slice(0, 12)})`,
      git: { repoDir: repository.gitDir, commit: sha, registryPrefix: 'registry' },
    };
  }
  if (!isDir('registry'))
    fail(
      'registry.dir-missing',
      'no registry here: pass --registry, run inside a checkout, or use a local profile',
      {},
      2,
    );
  return { source: new FsFileSource('registry'), where: 'registry' };
}

export async function loadRegistryState(opts: {
  registry?: string;
  profile?: string;
}): Promise<RegistryState> {
  const { source, where, git } = await registrySource(opts);
  const loaded = await loadRegistry(source);
  return {
    index: new RegistryIndex(loaded.entities),
    source: where,
    problems: loaded.diagnostics,
    ...(git ? { git } : {}),
  };
}

/**
 * A listing leaves out the files that did not load; this warning says so (how many, the first
 * one, and how to see them all) instead of letting a broken file look like a missing entity.
 */
export function skippedWarning(st: Pick<RegistryState, 'problems' | 'source'>): Diagnostic | undefined {
  const files = [...new Set(st.problems.map((p) => p.file ?? ''))];
  const first = st.problems[0];
  if (!first) return undefined;
  return warning(
    'registry.files-skipped',
    `${files.length} file(s) of ${st.source} did not load and are left out; the first: ${first.code} ${first.message}; \`gitperf validate\` shows every problem`,
    { file: first.file, line: first.line },
  );
}

/**
 * Fails with the reason when the file that would hold `relPath` (registry-relative, e.g.
 * `mlcubes/ana/bc-prep.yaml`) is in the registry but did not load: "no such entity" would mislead.
 */
export function failIfBroken(problems: readonly Diagnostic[], relPath: string): void {
  const problem = problems.find((d) => d.file === relPath || d.file?.endsWith(`/${relPath}`));
  if (!problem) return;
  fail(
    'registry.entity-broken',
    `${problem.file} is in the registry but did not load: ${problem.code} ${problem.message}; fix the file (\`gitperf validate\` shows every problem)`,
    { file: problem.file, line: problem.line, column: problem.column },
  );
}

/**
 * `gitperf init`: a new registry repository with its settings, first admin, schemas, generated
 * CODEOWNERS and workflow templates, committed on `main`. With `local`, also the bare repository the local forge serves (the
 * new folder becomes a clone of it that also fetches submissions) and a profile acting as the admin.
 */
import { copyFile, cp, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fail } from '../diagnostics/diagnostic.js';
import { identityOf } from '../forge/local/local-forge.js';
import { installPreReceiveHook } from '../forge/local/pre-receive-hook.js';
import { commitIdentityEnvironment, runGit } from '../git/git.js';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { gitperfHome } from '../infra/gitperf-home.js';
import { slug } from '../infra/slug.js';
import { CODEOWNERS_PATH, codeownersInputFrom, FolderView, generateCodeowners } from '../policy/index.js';
import { createProfile, ensureMemberKey, loadConfig } from '../profile/profile.js';
import { isName, REGISTRY_REF } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import { WORKFLOW_TEMPLATES } from './workflow-templates.js';

/** The package's own schemas/ folder: three levels up from cli/src/init or cli/dist/init. */
export const PACKAGE_SCHEMAS = fileURLToPath(new URL('../../../schemas/', import.meta.url));

/** The CLI's entry point, which the registry's pre-receive hook runs (cli/bin/run.js from cli/src/init or cli/dist/init). */
const CLI_ENTRY = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/** The package's examples/ folder (three levels up from cli/src/init or cli/dist/init). */
export const PACKAGE_EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

/**
 * What a registry hosts beside registry/ when made `withExamples`: the example cube folders and the demo
 * tarball, under examples/, so resource URLs are the repository-relative paths (`examples/cubes/...`) of
 * this repository's example registry. The hospitals' data is never hosted: it stays with each site.
 */
export const HOSTED_EXAMPLES = ['cubes', join('data', 'demo', 'demo.tar.gz')];

export interface InitOptions {
  /** Folder to create (must not exist, or be empty). */
  dir: string;
  /** Login of the first admin (lower case). */
  admin: string;
  /** Registry name (metadata.name); default: the folder name. */
  name?: string;
  /** Bot logins allowed to open result pull requests; default `gitperf-bot`. */
  bots?: string[];
  /** Also create the bare repository the local forge serves, and a profile for the admin. */
  local?: {
    /** Bare repository path; default `<dir>.git` next to the folder. */
    bare?: string;
    /** Profile name; default the registry name. */
    profile?: string;
    /** `$GITPERF_HOME` to write the profile into; default the environment's. */
    home?: string;
  };
  /** Also host the package's example cubes and demo data under examples/ (HOSTED_EXAMPLES). */
  withExamples?: boolean;
}

export interface InitResult {
  dir: string;
  name: string;
  admin: string;
  /** Files written, repository-relative, sorted. */
  files: string[];
  /** The initial commit on main. */
  commit: string;
  bare?: string;
  profile?: string;
}

function yamlDoc(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}

/** The registry's name when none is given: its folder's name, less a `.git` suffix, as a slug. */
function defaultName(dir: string): string {
  return slug(
    basename(dir)
      .toLowerCase()
      .replace(/\.git$/, ''),
    { fallback: 'registry' },
  );
}

async function isAbsentOrEmpty(path: string): Promise<boolean> {
  try {
    const stats = await stat(path);
    return stats.isDirectory() && (await readdir(path)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

/** The files of a new registry, repository-relative, except CODEOWNERS (generated from them) and schemas/. */
export async function registryFiles(
  name: string,
  admin: string,
  bots: string[],
  adminKeys: string[] = [],
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set(
    repoEntityPath('Registry', REGISTRY_REF),
    yamlDoc({
      apiVersion: 'gitperf/v1',
      kind: 'Registry',
      metadata: { name, description: `The ${name} gitperf registry.` },
      spec: { bots, defaultBranch: 'main' },
    }),
  );
  files.set(
    repoEntityPath('User', admin),
    yamlDoc({
      apiVersion: 'gitperf/v1',
      kind: 'User',
      metadata: { name: admin },
      spec: { roles: ['admin'], ...(adminKeys.length > 0 ? { sshKeys: adminKeys } : {}) },
    }),
  );
  for (const template of WORKFLOW_TEMPLATES) files.set(template.path, template.content);
  files.set(
    'README.md',
    `# ${name}

A gitperf registry: benchmarks, MLCubes, dataset metadata and results as schema-validated YAML under
\`registry/\`. A pull request is a submission, an approving review by the right people is an approval,
and a merge records it. \`gitperf validate registry\` checks the files; \`gitperf submission list\`
shows what is waiting for review.
`,
  );
  return files;
}

export async function initRegistry(opts: InitOptions): Promise<InitResult> {
  const dir = resolve(opts.dir);
  const admin = opts.admin;
  const name = opts.name ?? defaultName(dir);
  const bots = opts.bots ?? ['gitperf-bot'];
  if (!isName(admin))
    fail('init.admin-invalid', `"${admin}" is not a login: use lower-case letters, digits and dashes`, {}, 2);
  if (!isName(name))
    fail(
      'init.name-invalid',
      `"${name}" is not a registry name: use lower-case letters, digits and dashes (--name)`,
      {},
      2,
    );
  for (const bot of bots) if (!isName(bot)) fail('init.bot-invalid', `"${bot}" is not a bot login`, {}, 2);
  if (!(await isAbsentOrEmpty(dir)))
    fail('init.dir-not-empty', `${dir} already exists and is not empty; choose a new folder`, {}, 2);
  const bare = opts.local ? resolve(opts.local.bare ?? `${dir.replace(/\/+$/, '')}.git`) : undefined;
  const profileName = opts.local ? (opts.local.profile ?? name) : undefined;
  const home = opts.local?.home ?? gitperfHome();
  // Check everything before writing anything, so a refused init leaves no half-made registry.
  if (bare && !(await isAbsentOrEmpty(bare)))
    fail('init.bare-exists', `${bare} already exists; pass --bare with a new path`, {}, 2);
  if (profileName && (await loadConfig(home)).profiles[profileName])
    fail(
      'profile.exists',
      `profile "${profileName}" already exists; pass --profile-name with another name`,
      {},
      2,
    );

  // On the local forge the admin's reviews and merges are signed: their key is registered from the start.
  const adminKeys = bare ? [(await ensureMemberKey(admin, home)).publicKeyLine] : [];
  const files = await registryFiles(name, admin, bots, adminKeys);
  await mkdir(dir, { recursive: true });
  for (const [path, content] of files) await writeFileAtomic(join(dir, path), content);
  const schemaFiles = (await readdir(PACKAGE_SCHEMAS)).filter((f) => f.endsWith('.json')).sort();
  if (schemaFiles.length === 0)
    fail('init.schemas-missing', `no schemas found in ${PACKAGE_SCHEMAS}; reinstall gitperf`);
  await mkdir(join(dir, 'schemas'), { recursive: true });
  for (const schemaFile of schemaFiles)
    await copyFile(join(PACKAGE_SCHEMAS, schemaFile), join(dir, 'schemas', schemaFile));
  if (opts.withExamples)
    for (const rel of HOSTED_EXAMPLES) {
      await mkdir(join(dir, 'examples', rel, '..'), { recursive: true });
      await cp(join(PACKAGE_EXAMPLES, rel), join(dir, 'examples', rel), { recursive: true });
    }
  // CODEOWNERS comes from the policy engine's generator, so reviewers are requested the way the policy decides.
  const codeowners = generateCodeowners(codeownersInputFrom(new FolderView(dir)));
  await writeFileAtomic(join(dir, CODEOWNERS_PATH), codeowners);
  files.set(CODEOWNERS_PATH, codeowners);

  const env = commitIdentityEnvironment(identityOf(admin));
  const git = (args: string[]) => runGit(args, { cwd: dir, env });
  await git(['init', '--quiet', '-b', 'main']);
  await git(['add', '--all']);
  await git([
    'commit',
    '--quiet',
    '--no-verify',
    '-m',
    `Initialize the ${name} registry\n\nAdmin: ${admin}\n${opts.withExamples ? 'Hosts the example MLCube folders and the demo dataset under examples/.\n' : ''}`,
  ]);
  const commit = (await git(['rev-parse', 'HEAD'])).stdout.trim();

  let profile: string | undefined;
  if (bare && profileName) {
    await runGit(['init', '--quiet', '--bare', '-b', 'main', bare]);
    await git(['remote', 'add', 'origin', bare]);
    // The clone also fetches the local forge's pull requests, so `git fetch` shows submissions.
    await git(['config', '--add', 'remote.origin.fetch', '+refs/gitperf/*:refs/gitperf/*']);
    await git(['push', '--quiet', '-u', 'origin', 'main']);
    // From now on main moves only by merges of submissions whose policy passes.
    await installPreReceiveHook(bare, [process.execPath, CLI_ENTRY, 'hook', 'pre-receive']);
    await createProfile(profileName, { forge: 'local', registry: bare, user: admin }, { home, use: true });
    profile = profileName;
  }
  const written = [...files.keys(), ...schemaFiles.map((f) => `schemas/${f}`)].sort();
  return {
    dir,
    name,
    admin,
    files: written,
    commit,
    ...(bare ? { bare } : {}),
    ...(profile ? { profile } : {}),
  };
}

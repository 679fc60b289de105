/**
 * Profiles: named ways to reach a registry. `$GITPERF_HOME/config.yaml` (default `~/.gitperf`) holds
 * them and names the current one. A local profile points at a registry repository on disk and says
 * who the user is; a GitHub profile names the repository, and the token comes from the environment
 * (never from the file, so the file can be shared or committed without leaking secrets).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import type { ForgeAddress, GitHubForgeAddress, LocalForgeAddress } from '../forge/forge.js';
import { isRemoteUrl } from '../forge/local/git.js';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { gitperfHome, homeLayout } from '../infra/gitperf-home.js';
import { yaml } from '../infra/yaml-library.js';
import { isName } from '../registry/kinds.js';
import { ensureKeyPairFile } from '../trust/key-files.js';

// A profile is a forge address stored under a name: the forge defines what an address holds (it is
// what `createForge` opens), so the types flow one way, profile → forge.
export type LocalProfile = LocalForgeAddress;
export type GithubProfile = GitHubForgeAddress;
export type Profile = ForgeAddress;

export interface GitperfConfig {
  current?: string;
  profiles: Record<string, Profile>;
}

export interface NamedProfile {
  name: string;
  profile: Profile;
}

/** A profile's own name (a key in config.yaml, not a registry name). */
const PROFILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/**
 * A profile acts as a registry user, so its login is the registry's (up to 63 characters: the local
 * forge's logins may be longer than GitHub's 39), in any case: logins are compared in lower case.
 */
const isLogin = (candidate: string) => isName(candidate.toLowerCase());
const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export function configPath(home: string = gitperfHome()): string {
  return homeLayout(home).configFile;
}

/** The GitHub token from `GITHUB_TOKEN`, else `GH_TOKEN`; undefined when neither is set. */
export function githubToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GITHUB_TOKEN || env.GH_TOKEN || undefined;
}

/** Checks one profile's shape; returns a message naming the problem, or undefined. */
export function checkProfile(candidate: unknown): string | undefined {
  if (!candidate || typeof candidate !== 'object') return 'a profile must be a mapping';
  const fields = candidate as Record<string, unknown>;
  if (fields.forge === 'local') {
    if (typeof fields.registry !== 'string' || fields.registry === '')
      return 'a local profile needs `registry: PATH`';
    if (typeof fields.user !== 'string' || !isLogin(fields.user))
      return 'a local profile needs `user: LOGIN` (letters, digits and inner hyphens, at most 63 characters)';
    if (
      fields.signingKey !== undefined &&
      (typeof fields.signingKey !== 'string' || fields.signingKey === '')
    )
      return '`signingKey` must be the path of a private key file';
    return undefined;
  }
  if (fields.forge === 'github') {
    if (typeof fields.repo !== 'string' || !REPO_RE.test(fields.repo))
      return 'a github profile needs `repo: OWNER/NAME`';
    if (
      fields.baseUrl !== undefined &&
      (typeof fields.baseUrl !== 'string' || !/^https?:\/\//.test(fields.baseUrl))
    )
      return '`baseUrl` must be an http(s) URL';
    if (fields.user !== undefined && (typeof fields.user !== 'string' || !isLogin(fields.user)))
      return '`user` must be a login';
    return undefined;
  }
  return '`forge` must be `local` or `github`';
}

/** Reads the config; a missing file is an empty config. Malformed files fail with the file named. */
export async function loadConfig(home: string = gitperfHome()): Promise<GitperfConfig> {
  const file = configPath(home);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw e;
  }
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (e) {
    // The yaml package's message ends with "at line L, column C:"; the position goes in the diagnostic.
    const pos = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const why = (e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    fail('profile.config-invalid', `${why}; fix or delete the file`, {
      file,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    });
  }
  if (doc === null || doc === undefined) return { profiles: {} };
  if (typeof doc !== 'object' || Array.isArray(doc))
    fail('profile.config-invalid', 'the config must be a mapping with `profiles:`', { file });
  const fields = doc as Record<string, unknown>;
  const profiles: Record<string, Profile> = {};
  const raw = fields.profiles ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    fail('profile.config-invalid', '`profiles` must be a mapping of name to profile', { file });
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    const problem = checkProfile(entry);
    if (problem) fail('profile.invalid', `profile "${name}": ${problem}`, { file });
    profiles[name] = entry as Profile;
  }
  const current = typeof fields.current === 'string' ? fields.current : undefined;
  return { current, profiles };
}

/** Writes the config atomically (temp file in the same folder, then rename). */
export async function saveConfig(config: GitperfConfig, home: string = gitperfHome()): Promise<void> {
  const file = configPath(home);
  const doc: Record<string, unknown> = {};
  if (config.current) doc.current = config.current;
  doc.profiles = config.profiles;
  await writeFileAtomic(file, yaml().stringify(doc), { mode: 0o600 });
}

/**
 * The member's signing key for the local forge, `$GITPERF_HOME/keys/users/<login>` (mode 0600), made when
 * missing; its public key line is what the member's User entity registers (`spec.sshKeys`), so that their
 * reviews and merges count.
 */
export async function ensureMemberKey(
  login: string,
  home: string = gitperfHome(),
): Promise<{ file: string; publicKeyLine: string; created: boolean }> {
  const file = homeLayout(home).userKey(login);
  const { publicKeyLine, created } = await ensureKeyPairFile(file, login.toLowerCase());
  return { file, publicKeyLine, created };
}

/**
 * Adds (or replaces, with `replace`) a profile. A local profile's member gets a signing key when they have
 * none yet (`ensureMemberKey`). A local profile's registry path is stored absolute so
 * the profile works from any directory. The first profile created becomes current; `use` forces it.
 */
export async function createProfile(
  name: string,
  profile: Profile,
  opts: { home?: string; use?: boolean; replace?: boolean } = {},
): Promise<GitperfConfig> {
  if (!PROFILE_NAME_RE.test(name))
    fail(
      'profile.name-invalid',
      `"${name}" is not a valid profile name; use letters, digits, ".", "_" or "-"`,
      {},
      2, // a bad name or shape given on the command line is a usage error
    );
  const problem = checkProfile(profile);
  if (problem) fail('profile.invalid', `profile "${name}": ${problem}`, {}, 2);
  const home = opts.home ?? gitperfHome();
  const config = await loadConfig(home);
  if (config.profiles[name] && !opts.replace)
    fail('profile.exists', `profile "${name}" already exists; pass --force to replace it`);
  const stored: Profile =
    profile.forge === 'local' && !isAbsolute(profile.registry) && !isRemoteUrl(profile.registry)
      ? { ...profile, registry: resolve(profile.registry) }
      : profile;
  if (stored.forge === 'local' && !stored.signingKey) await ensureMemberKey(stored.user, home);
  config.profiles[name] = stored;
  if (opts.use || !config.current || !config.profiles[config.current]) config.current = name;
  await saveConfig(config, home);
  return config;
}

/** Makes `name` the current profile. */
export async function useProfile(name: string, home: string = gitperfHome()): Promise<GitperfConfig> {
  const config = await loadConfig(home);
  if (!config.profiles[name]) fail('profile.unknown', unknownMessage(name, config));
  config.current = name;
  await saveConfig(config, home);
  return config;
}

function unknownMessage(name: string, config: GitperfConfig): string {
  const names = Object.keys(config.profiles);
  return names.length === 0
    ? `no profile "${name}": there are no profiles yet; create one with \`gitperf profile create\` or \`gitperf init --local\``
    : `no profile "${name}"; known profiles: ${names.join(', ')}`;
}

/**
 * The active profile: the one named (by `--profile`), else `$GITPERF_PROFILE`, else the config's
 * current one. Fails with a message saying how to create one when there is none.
 */
export async function resolveProfile(
  name?: string,
  opts: { home?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<NamedProfile> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? gitperfHome(env);
  const config = await loadConfig(home);
  const wanted = name || env.GITPERF_PROFILE || config.current;
  if (!wanted)
    fail(
      'profile.none',
      `no profile is set up in ${configPath(home)}; create one with \`gitperf profile create\` or \`gitperf init DIR --local\``,
    );
  const profile = config.profiles[wanted];
  if (!profile) fail('profile.unknown', unknownMessage(wanted, config));
  return { name: wanted, profile };
}

/** One line for people: `local  /path as ana` or `github owner/name`. */
export function describeProfile(profile: Profile): string {
  return profile.forge === 'local'
    ? `local  ${profile.registry} as ${profile.user}`
    : `github ${profile.repo}${profile.baseUrl ? ` at ${profile.baseUrl}` : ''}${profile.user ? ` as ${profile.user}` : ''}`;
}

/**
 * `$GITPERF_HOME` (default `~/.gitperf`): every path gitperf keeps under it is named here.
 *
 *   config.yaml                                 profiles (mode 0600)
 *   cache/sha256/<hex>                          verified resources, content-addressed
 *   cache/parsed/<reader>/<shard>.json          parsed registry files by git blob id (infra/parse-cache.ts);
 *                                               reader result-signatures: verdicts of result signatures
 *   cache/pages/leaderboard/<benchmark>/        rendered leaderboard pages by their inputs (leaderboard/page-cache.ts)
 *   cubes/<owner>/<name>/                       materialised MLCubes
 *   logs/                                       task logs (the cube engine's)
 *   tmp/<container>/                            a container's /tmp
 *   registries/<repository key>/<sha>/          registry snapshots (git archive of the base commit)
 *   forges/<url hash>.git                       local caches of URL registries (local forge)
 *   keys/runner, keys/runner.pub                a runner's signing key pair (private key mode 0600)
 *   runners/<owner>/<name>/state.json           `runner start`'s memory: last registry commit, failed jobs
 *   keys/users/<login>, keys/users/<login>.pub  a member's key: signs their reviews and merges on the local forge
 *   keys/runners/<owner>/<name>[.pub]           a runner's signing key pair (private key mode 0600)
 *   keys/age/<login>                            a member's age identity (mode 0600): reads results encrypted to them
 *   datasets/<name>/                            prepared datasets
 *   predictions/<model-owner>.<cube>/<dataset>/ model outputs
 *   results/<benchmark>/<data-owner>/<dataset>/<model-owner>.<cube>.yaml
 *   tests/<key>/                                compatibility tests
 *   demo/<tarball sha256>/                      extracted demo tarballs
 *   .tmp/  .trash/                              staging and removal, on the same filesystem so rename works
 */
import os from 'node:os';
import path from 'node:path';

/** gitperf's local state folder: `$GITPERF_HOME`, default `~/.gitperf`. */
export function gitperfHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.GITPERF_HOME;
  return home && home.length > 0 ? path.resolve(home) : path.join(os.homedir(), '.gitperf');
}

export interface GitperfHomeLayout {
  home: string;
  configFile: string;
  /** Content-addressed resource cache (`<hex>` files). */
  resourceCache: string;
  /** Parsed registry files by git blob id (infra/parse-cache.ts; rebuilt from the files when missing). */
  parseCache: string;
  /** Rendered pages by everything they depend on (leaderboard/page-cache.ts; rebuilt when missing). */
  pageCache: string;
  cubes: string;
  cube(owner: string, name: string): string;
  logs: string;
  /** Parent of the containers' /tmp folders. */
  containerTmp: string;
  /** Registry snapshots of one repository (`<sha>/` under it). */
  registrySnapshots(repositoryKey: string): string;
  /** The local forge's cache repository for a URL registry. */
  forgeCache(urlHash: string): string;
  /** Key pairs. */
  keys: string;
  /** What `runner start` remembers between passes for one Runner (`state.json`). */
  runnerState(owner: string, name: string): string;
  /** A member's private key (`keys/users/<login>`; the public key is beside it with `.pub`). */
  userKey(login: string): string;
  /** A runner's private key file (`.pub` beside it): `keys/runners/<owner>/<name>`. */
  runnerKey(owner: string, name: string): string;
  /** The folder of the age identities on this machine (`keys/age/`): every file in it is tried to decrypt. */
  ageIdentities: string;
  /** A member's age identity file (`keys/age/<login>`, as `age-keygen -o` writes it). */
  ageIdentity(login: string): string;
  datasets: string;
  predictions: string;
  results: string;
  tests: string;
  demo: string;
  /** Staging folders and downloads in progress. */
  staging: string;
  trash: string;
}

export function homeLayout(home: string = gitperfHome()): GitperfHomeLayout {
  return {
    home,
    configFile: path.join(home, 'config.yaml'),
    resourceCache: path.join(home, 'cache', 'sha256'),
    parseCache: path.join(home, 'cache', 'parsed'),
    pageCache: path.join(home, 'cache', 'pages'),
    cubes: path.join(home, 'cubes'),
    cube: (owner, name) => path.join(home, 'cubes', owner, name),
    logs: path.join(home, 'logs'),
    containerTmp: path.join(home, 'tmp'),
    registrySnapshots: (repositoryKey) => path.join(home, 'registries', repositoryKey),
    forgeCache: (urlHash) => path.join(home, 'forges', `${urlHash}.git`),
    keys: path.join(home, 'keys'),
    runnerState: (owner, name) => path.join(home, 'runners', owner, name, 'state.json'),
    userKey: (login) => path.join(home, 'keys', 'users', login.toLowerCase()),
    ageIdentities: path.join(home, 'keys', 'age'),
    ageIdentity: (login) => path.join(home, 'keys', 'age', login.toLowerCase()),
    runnerKey: (owner, name) => path.join(home, 'keys', 'runners', owner, name),
    datasets: path.join(home, 'datasets'),
    predictions: path.join(home, 'predictions'),
    results: path.join(home, 'results'),
    tests: path.join(home, 'tests'),
    demo: path.join(home, 'demo'),
    staging: path.join(home, '.tmp'),
    trash: path.join(home, '.trash'),
  };
}

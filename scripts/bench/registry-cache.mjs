// A generated registry committed to a git repository, cached between bench runs: generating and
// committing 100,000 files takes a minute, timing the commands on it a few seconds. The cache lives in
// `<tmpdir>/gitperf-bench-cache/` under a name keyed by the generator's own text (any edit of
// gen-registry.mjs or of this file makes a new one) and the entity count. Benchmarks must leave the
// repository as they found it (`restore` puts back the working tree and the branch). Only folders of
// this cache that an older generator made are ever deleted.
//
// Layout of a cached repository: `registry/` committed on `main` (the base); branch `pr-result-edit`
// changes one result's metric, `pr-new-cube` adds one MLCube (one-file pull requests for the policy).
// A signed registry (`cachedRegistry(total, log, {signed: true})`, every result signed by its runner's
// key) is cached apart, under `-signed`, its name keyed also by the built trust code that signed it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRegistry, TRUST_MODULES } from './gen-registry.mjs';

const CACHE_ROOT = join(tmpdir(), 'gitperf-bench-cache');
const sources = ['gen-registry.mjs', 'registry-cache.mjs'].map((f) =>
  readFileSync(fileURLToPath(new URL(f, import.meta.url))),
);
/** Changes whenever the generator (or this file) does: old caches are never reused by mistake. */
export const GENERATOR_VERSION = createHash('sha256')
  .update(Buffer.concat(sources))
  .digest('hex')
  .slice(0, 12);

/**
 * The version of a signed registry: the generator's and the built trust code's (every module of
 * cli/dist/trust, since the signing code imports most of them), so a change of the payload or of the
 * signature format makes a new cache. Throws when cli/dist is missing.
 */
function signedVersion() {
  const dist = fileURLToPath(new URL('../../cli/dist/trust/', import.meta.url));
  if (!existsSync(join(dist, TRUST_MODULES[0]))) {
    throw new Error('registry-cache: cli/dist/trust is missing; run `npm run build` first');
  }
  const built = readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => readFileSync(join(dist, f)));
  return createHash('sha256')
    .update(Buffer.concat([...sources, ...built]))
    .digest('hex')
    .slice(0, 12);
}

/** Cache folder names: `v<version>-<total>` or `v<version>-<total>-signed`. */
const CACHE_NAME = /^v([0-9a-f]{12})-\d+(-signed)?$/;

const IDENTITY = [
  '-c',
  'user.name=bench',
  '-c',
  'user.email=bench@example.org',
  '-c',
  'commit.gpgsign=false',
];

export function git(cwd, args, input) {
  const r = spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The new MLCube `pr-new-cube` adds. */
export function freshCube(owner) {
  return `apiVersion: gitperf/v1\nkind: MLCube\nmetadata:\n  name: fresh\n  owner: ${owner}\nspec:\n  manifest:\n    url: https://example.org/m.yaml\n    sha256: sha256:${'1'.repeat(64)}\n  image:\n    reference: docker.io/x/fresh:1\n    digest: sha256:${'2'.repeat(64)}\n  state: operation\n  valid: true\n`;
}

/** Commits `files` (repository path → text) on a new branch from `base`, without touching the working tree. */
function branchWith(repo, name, base, files, message) {
  const index = join(repo, '.git', `bench-index-${name}`);
  const env = { ...process.env, GIT_INDEX_FILE: index };
  const run = (args, input) => {
    const r = spawnSync('git', [...IDENTITY, ...args], { cwd: repo, env, input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  run(['read-tree', base]);
  for (const [path, text] of Object.entries(files)) {
    const oid = run(['hash-object', '-w', '--stdin'], text);
    run(['update-index', '--add', '--cacheinfo', `100644,${oid},${path}`]);
  }
  const tree = run(['write-tree']);
  const commit = run(['commit-tree', tree, '-p', base, '-m', message]);
  run(['branch', '-f', name, commit]);
  rmSync(index, { force: true });
}

/**
 * The cached repository for `total` entities, made when missing; `signed`: every result signed (see
 * gen-registry.mjs; `trust` is its loadTrust()). In a signed registry `pr-result-edit` breaks that
 * result's signature (an edited metric): validating it reports `result.signature-invalid`. Returns its folder, the generator's report (counts, sample paths) and the shas of
 * the base and of each pull-request branch.
 */
export function cachedRegistry(total, log = console.log, { signed = false, trust } = {}) {
  if (signed && !trust)
    throw new Error('cachedRegistry: a signed registry needs options.trust (loadTrust())');
  const version = signed ? signedVersion() : GENERATOR_VERSION;
  const name = `v${version}-${total}${signed ? '-signed' : ''}`;
  const repo = join(CACHE_ROOT, name);
  mkdirSync(CACHE_ROOT, { recursive: true });
  // Folders an older generator made (same naming scheme, other version): nobody can use them again.
  // Each variant judges only its own kind (a signed cache's version also covers the built trust code).
  for (const f of readdirSync(CACHE_ROOT)) {
    const match = CACHE_NAME.exec(f);
    if (match && Boolean(match[2]) === signed && match[1] !== version) {
      rmSync(join(CACHE_ROOT, f), { recursive: true, force: true });
    }
  }
  if (!existsSync(join(repo, '.git', 'gitperf-bench.json'))) {
    log(
      `generating a ${total}-entity ${signed ? 'signed ' : ''}registry and its git repository (cached in ${repo}) ...`,
    );
    const t = Date.now();
    // Built aside and renamed into place, so an interrupted build is never taken for a cache.
    const tmp = mkdtempSync(join(CACHE_ROOT, 'building-'));
    const gen = generateRegistry(join(tmp, 'registry'), total, { signed, trust });
    git(tmp, ['init', '-q', '-b', 'main']);
    git(tmp, ['add', '-A']);
    git(tmp, [...IDENTITY, 'commit', '-q', '-m', 'bench registry']);
    const base = git(tmp, ['rev-parse', 'HEAD']);
    const resultPath = `registry/${gen.samplePaths.result}`;
    const resultText = readFileSync(join(tmp, resultPath), 'utf8');
    branchWith(
      tmp,
      'pr-result-edit',
      base,
      { [resultPath]: resultText.replace(/accuracy: 0\.9\n/, 'accuracy: 0.91\n') },
      'result edit',
    );
    branchWith(
      tmp,
      'pr-new-cube',
      base,
      { 'registry/mlcubes/modeller-0/fresh.yaml': freshCube('modeller-0') },
      'new cube',
    );
    // Refresh the index's stat data once, so later `git diff`s do not re-hash "racily clean" files.
    git(tmp, ['update-index', '-q', '--refresh']);
    writeFileSync(
      join(tmp, '.git', 'gitperf-bench.json'),
      `${JSON.stringify({ gen, resultPath }, null, 2)}\n`,
    );
    renameSync(tmp, repo);
    log(`  made in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  restore(repo);
  const { gen, resultPath } = JSON.parse(readFileSync(join(repo, '.git', 'gitperf-bench.json'), 'utf8'));
  const sha = (ref) => git(repo, ['rev-parse', ref]);
  return {
    repo,
    gen,
    resultPath,
    base: sha('main'),
    prs: [
      { name: 'result-edit', author: resultPath.split('/')[4], head: sha('pr-result-edit') },
      { name: 'new-cube', author: 'modeller-0', head: sha('pr-new-cube') },
    ],
  };
}

/** Puts the cached repository back as made: `main` checked out, no edits (a benchmark that died may have left some). */
export function restore(repo) {
  if (git(repo, ['symbolic-ref', '--short', 'HEAD']) !== 'main') git(repo, ['checkout', '-q', 'main']);
  const status = git(repo, ['status', '--porcelain', '--untracked-files=all', '--', 'registry']);
  if (status) {
    git(repo, ['reset', '-q', '--hard', 'main']);
    git(repo, ['clean', '-q', '-fd', '--', 'registry']);
  }
}

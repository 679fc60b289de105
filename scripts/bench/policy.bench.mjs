#!/usr/bin/env node
// Policy engine figures. (1) `gitperf policy check` of a one-file pull request against a 10,000-entity
// registry, timed as a whole process (node start, oclif, git reads, validation, decision); target <= 0.5 s.
// (2) The size of the generated CODEOWNERS for 50,000 users and 5,000 benchmarks; must stay under
// GitHub's 3 MB limit. Standalone: `npm run build && node scripts/bench/policy.bench.mjs`.
// Env: GITPERF_BENCH_POLICY_ENTITIES (default 10000).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRegistry } from './gen-registry.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'cli/bin/run.js');
const dist = join(root, 'cli/dist/policy/index.js');
if (!existsSync(dist)) {
  console.error('policy.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
const { generateCodeowners, GITHUB_CODEOWNERS_LIMIT } = await import(dist);

const RUNS = 5;
const total = Number(process.env.GITPERF_BENCH_POLICY_ENTITIES ?? 10_000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const git = (cwd, args) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
// CPU seconds (user + sys of node and the git processes it waited for) through GNU time when present:
// unlike wall time, it does not grow much when other jobs share the machine.
const gnuTime = existsSync('/usr/bin/time');
function time(args, cwd) {
  const t = process.hrtime.bigint();
  const cmd = gnuTime ? '/usr/bin/time' : 'node';
  const argv = gnuTime ? ['-f', '@@cpu %U %S', 'node', bin, ...args] : [bin, ...args];
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  const m = r.stderr.match(/@@cpu ([\d.]+) ([\d.]+)/);
  const cpu = m ? Number(m[1]) + Number(m[2]) : Number.NaN;
  return { secs, cpu, code: r.status, out: r.stdout, err: r.stderr.replace(/@@cpu.*\n?/, '') };
}

const dir = mkdtempSync(join(tmpdir(), 'gitperf-policy-bench-'));
let failed = false;
try {
  // ── (1) policy check on a 10,000-entity registry ────────────────────────────────────────────────
  const gen = generateRegistry(join(dir, 'registry'), total);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['-c', 'user.name=b', '-c', 'user.email=b@x', 'add', '-A']);
  git(dir, [
    '-c',
    'user.name=b',
    '-c',
    'user.email=b@x',
    '-c',
    'commit.gpgsign=false',
    'commit',
    '-q',
    '-m',
    'base',
  ]);
  const base = git(dir, ['rev-parse', 'HEAD']);
  const prs = [];
  const pr = (name, author, edit) => {
    git(dir, ['checkout', '-q', '-b', name, base]);
    edit();
    git(dir, ['-c', 'user.name=b', '-c', 'user.email=b@x', 'add', '-A']);
    git(dir, [
      '-c',
      'user.name=b',
      '-c',
      'user.email=b@x',
      '-c',
      'commit.gpgsign=false',
      'commit',
      '-q',
      '-m',
      name,
    ]);
    prs.push({ name, author, head: git(dir, ['rev-parse', 'HEAD']) });
  };
  pr('new-cube', 'modeller-0', () =>
    writeFileSync(
      join(dir, 'registry/mlcubes/modeller-0/fresh.yaml'),
      `apiVersion: gitperf/v1\nkind: MLCube\nmetadata:\n  name: fresh\n  owner: modeller-0\nspec:\n  manifest:\n    url: https://example.org/m.yaml\n    sha256: sha256:${'1'.repeat(64)}\n  image:\n    reference: docker.io/x/fresh:1\n    digest: sha256:${'2'.repeat(64)}\n  state: operation\n  valid: true\n`,
    ),
  );
  const resultPath = `registry/${gen.samplePaths.result}`;
  const dataOwner = resultPath.split('/')[4];
  pr('result-edit', dataOwner, () => {
    const p = join(dir, resultPath);
    const text = spawnSync('cat', [p], { encoding: 'utf8' }).stdout;
    writeFileSync(p, text.replace(/accuracy: 0\.9\n/, 'accuracy: 0.91\n'));
  });

  const startupRuns = Array.from({ length: RUNS }, () => time(['--version'], dir));
  const startup = median(startupRuns.map((r) => r.secs));
  const startupCpu = median(startupRuns.map((r) => r.cpu));
  const kinds = Object.entries(gen.counts).map(([k, v]) => `${k} ${v}`);
  console.log(`registry: ${gen.total} entities (${kinds.join(', ')})`);
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} (wall time grows with load)`,
  );
  console.log(
    `node + oclif start-up (gitperf --version): ${startup.toFixed(3)} s wall, ${startupCpu.toFixed(2)} s CPU`,
  );
  for (const p of prs) {
    const runs = Array.from({ length: RUNS }, () =>
      time(['policy', 'check', '--base', base, '--head', p.head, '--author', p.author, '--json'], dir),
    );
    const last = runs[runs.length - 1];
    const status = JSON.parse(last.out || '{}').status ?? `exit ${last.code}: ${last.err.slice(0, 200)}`;
    const secs = median(runs.map((r) => r.secs));
    const cpu = median(runs.map((r) => r.cpu));
    const ok = secs <= 0.5;
    if (status !== 'pass') failed = true;
    console.log(
      `policy check, one-file PR (${p.name}, author ${p.author}) on ${gen.total} entities: ${secs.toFixed(3)} s wall median of ${RUNS}, ${cpu.toFixed(2)} s CPU (status ${status}; target <= 0.5 s wall) ${ok ? 'OK' : 'ABOVE TARGET'}`,
    );
  }

  // ── (2) CODEOWNERS size at 50,000 users and 5,000 benchmarks ─────────────────────────────────────
  const users = Array.from({ length: 50_000 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
  const benchmarks = Array.from({ length: 5_000 }, (_, i) => ({
    name: `benchmark-${String(i).padStart(4, '0')}`,
    committee: [
      users[(i * 3) % users.length],
      users[(i * 3 + 1) % users.length],
      users[(i * 3 + 2) % users.length],
    ],
  }));
  const input = { users, admins: ['admin-1', 'admin-2'], benchmarks };
  const exact = Buffer.byteLength(generateCodeowners(input, { form: 'exact' }));
  const chosen = Buffer.byteLength(generateCodeowners(input));
  const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB (${n} bytes)`;
  console.log(
    `CODEOWNERS, 50,000 users + 5,000 benchmarks: ${mb(chosen)} (GitHub limit 3 MiB) ${chosen < GITHUB_CODEOWNERS_LIMIT ? 'OK' : 'OVER LIMIT'}`,
  );
  console.log(
    `  (the exact four-lines-per-user form would be ${mb(exact)}; gitperf switches to one line per user above 2.5 MB)`,
  );
  if (chosen >= GITHUB_CODEOWNERS_LIMIT) failed = true;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;

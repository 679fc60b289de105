#!/usr/bin/env node
// How gitperf's checks grow with the registry: `validate` (full and --changed-since for a one-file
// change) and `policy check` of one-file pull requests, on generated registries of 10,000 and 100,000
// entities, timed as whole processes (node start, oclif, git, checks). Runs of the two sizes alternate,
// so a change of load on a shared machine moves both columns alike and the ratios stay meaningful.
// Targets (2-core reference machine), all on wall-clock medians:
//   full validation 10k <= 1.5 s; 100k <= 10 x the 10k figure of the same run
//   validate --changed-since --head, 1-file PR (what the check workflow runs: git objects only):
//                                     10k <= 0.3 s; 100k <= 0.4 s and <= 1.3 x 10k
//   validate --changed-since, 1 file in the working tree: 10k <= 0.3 s (at 100k git's scan of the
//                                     working tree, an lstat of every tracked file, dominates; shown, not judged)
//   policy check, one-file PR:        10k <= 0.5 s; 100k <= 0.4 s and <= 1.3 x 10k
//   gitperf --help <= 0.2 s
// The registries and their git repositories are cached (see registry-cache.mjs): the first run
// generates them (about a minute), later runs reuse them.
// Usage: node scripts/bench/scale.bench.mjs [--runs N] [--sizes 10000,100000]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedRegistry, git, restore } from './registry-cache.mjs';

const argOf = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(argOf('--runs', 5));
const SIZES = argOf('--sizes', '10000,100000').split(',').map(Number);
const bin = fileURLToPath(new URL('../../cli/bin/run.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../../cli/dist', import.meta.url)))) {
  console.error('scale.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
// CPU seconds (user + sys, the git processes waited for included) through GNU time when present: on a
// shared machine wall-clock time mostly measures the neighbours, CPU time measures us.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One run of `argv` as a whole process; checks the exit code and the output. */
function runOnce(argv, cwd, check) {
  const [cmd, ...rest] = GNU_TIME ? [GNU_TIME, '-f', '@@cpu %U %S', ...argv] : argv;
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, rest, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const m = /@@cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  const problem = check(r.status, r.stdout);
  if (problem) {
    throw new Error(
      `${argv.slice(1).join(' ')} in ${cwd}: ${problem}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`,
    );
  }
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN };
}

const gitperf = (...args) => [process.execPath, bin, ...args];
const exitIs = (code, text) => (status, out) =>
  status !== code
    ? `exited ${status}, expected ${code}`
    : text && !out.includes(text)
      ? `output lacks "${text}"`
      : '';

// ── the registries ─────────────────────────────────────────────────────────────────────────────────
const regs = SIZES.map((n) => ({ size: n, ...cachedRegistry(n) }));
const label = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
for (const r of regs) {
  const kinds = Object.entries(r.gen.counts).map(([k, v]) => `${k} ${v}`);
  console.log(`registry ${label(r.size)}: ${r.gen.total} entities (${kinds.join(', ')}) in ${r.repo}`);
}
console.log(
  `${RUNS} runs of each, sizes alternating; ${availableParallelism()} cores; load average before ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);

/** Each measure: how to run it on one registry; runs alternate between the registries. */
const measures = [
  {
    name: 'validate (full)',
    runs: Math.min(RUNS, 3),
    argv: () => gitperf('validate', 'registry'),
    check: (r) => exitIs(0, `valid (${r.gen.total} entities)`),
    target: { at10k: 1.5, ratio: 10 },
  },
  ...['result-edit', 'new-cube'].map((pr) => ({
    name: `validate --changed-since --head (PR: ${pr})`,
    argv: (r) => {
      const p = r.prs.find((x) => x.name === pr);
      return gitperf('validate', 'registry', '--changed-since', r.base, '--head', p.head);
    },
    check: () => exitIs(0, 'valid (1 changed file)'),
    target: { at10k: 0.3, at100k: 0.4, ratio: 1.3 },
  })),
  {
    name: 'validate --changed-since (working tree)',
    argv: () => gitperf('validate', 'registry', '--changed-since', 'HEAD'),
    check: () => exitIs(0, 'valid (1 changed file)'),
    // A result's metric moves in the working tree; put back after.
    setup: (r) => {
      const file = join(r.repo, r.resultPath);
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace(/auc: 0\.\d+/, 'auc: 0.5'));
      return () => git(r.repo, ['checkout', '-q', '--', r.resultPath]);
    },
    target: { at10k: 0.3 },
  },
  ...['result-edit', 'new-cube'].map((pr) => ({
    name: `policy check (1-file PR: ${pr})`,
    argv: (r) => {
      const p = r.prs.find((x) => x.name === pr);
      return gitperf('policy', 'check', '--base', r.base, '--head', p.head, '--author', p.author, '--json');
    },
    check: () => exitIs(0, '"status": "pass"'),
    target: { at10k: 0.5, at100k: 0.4, ratio: 1.3 },
  })),
  {
    name: 'gitperf --help (start-up)',
    argv: () => gitperf('--help'),
    check: () => exitIs(0),
    target: { any: 0.2 },
  },
  { name: 'node -e 0 (bare Node)', argv: () => [process.execPath, '-e', '0'], check: () => exitIs(0) },
];

const results = [];
for (const m of measures) {
  const times = regs.map(() => []);
  for (let i = 0; i < (m.runs ?? RUNS); i++) {
    for (const [k, r] of regs.entries()) {
      const undo = m.setup?.(r);
      try {
        times[k].push(runOnce(m.argv(r), r.repo, m.check(r)));
      } finally {
        undo?.();
      }
    }
  }
  results.push({
    m,
    per: times.map((ts) => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) })),
  });
}
for (const r of regs) restore(r.repo);

// ── the table ──────────────────────────────────────────────────────────────────────────────────────
const s = (x) => (Number.isFinite(x) ? `${x.toFixed(3)} s` : '   -   ');
const verdicts = [];
const cpuVerdicts = [];
const cols = regs.map((r) => `${label(r.size)}: wall (cpu)`.padEnd(22)).join('');
console.log(`\n${'measure'.padEnd(40)}${cols}ratio wall (cpu)   targets`);
for (const { m, per } of results) {
  const cells = per.map((p) => `${s(p.wall)} (${s(p.cpu)})`.padEnd(22)).join('');
  const first = per[0];
  const last = per[per.length - 1];
  const ratio =
    per.length > 1 ? `x${(last.wall / first.wall).toFixed(2)} (x${(last.cpu / first.cpu).toFixed(2)})` : '';
  const goals = [];
  // Judged on wall time (the targets' unit); in brackets the same test on CPU time, which is what an
  // idle machine's wall time would be for single-threaded work (a loaded machine inflates only wall).
  const judge = (ok, okCpu, text) => {
    goals.push(`${text} ${ok ? 'OK' : 'OVER'} [cpu ${okCpu ? 'OK' : 'OVER'}]`);
    verdicts.push(ok);
    cpuVerdicts.push(okCpu);
  };
  const small = regs.findIndex((r) => r.size === 10_000);
  const big = regs.findIndex((r) => r.size === 100_000);
  const t = m.target ?? {};
  if (t.any !== undefined) judge(first.wall <= t.any, first.cpu <= t.any, `<= ${t.any} s`);
  if (t.at10k !== undefined && small >= 0)
    judge(per[small].wall <= t.at10k, per[small].cpu <= t.at10k, `10k <= ${t.at10k} s`);
  if (t.at100k !== undefined && big >= 0)
    judge(per[big].wall <= t.at100k, per[big].cpu <= t.at100k, `100k <= ${t.at100k} s`);
  if (t.ratio !== undefined && small >= 0 && big >= 0)
    judge(
      per[big].wall <= t.ratio * per[small].wall,
      per[big].cpu <= t.ratio * per[small].cpu,
      `100k <= ${t.ratio} x 10k`,
    );
  console.log(`${m.name.padEnd(40)}${cells}${ratio.padEnd(20)}${goals.join('; ')}`);
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (wall time grows with load; CPU time much less)`,
);
console.log(
  `${verdicts.filter(Boolean).length} of ${verdicts.length} targets met on wall time, ${cpuVerdicts.filter(Boolean).length} on CPU time`,
);

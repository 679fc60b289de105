#!/usr/bin/env node
// Signed results cost at validation (issue 11): full `gitperf validate` of the 10,000-entity registry
// with every result signed by its runner's key, against the same registry unsigned, in the same run
// (runs alternate, so a change of load moves both alike), timed as whole processes. The judged figure is
// the usual one: a validation after an earlier one, with the verdicts that run kept in $GITPERF_HOME's
// parse cache (trust/result-verifier.ts; a fresh home, warmed by one run first). Shown, not judged: the
// cold figures (a fresh home every run, so every signature is verified), by worker threads beside the
// validation and with GITPERF_SIGNATURE_WORKERS=0 (every signature in the validating thread), to show
// what a first validation costs and what the workers save. Then, for the docs: the CPU a runner spends
// signing one result, and the CPU validation spends per signed result verified.
// Target (2-core reference machine, wall-clock medians): signed (warm) <= 1.3 x unsigned.
// The registries are cached (registry-cache.mjs); the first run generates them (about half a minute).
// Usage: node scripts/bench/signed-validate.bench.mjs [--runs N] [--size N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadTrust, runnerKeyPair } from './gen-registry.mjs';
import { cachedRegistry } from './registry-cache.mjs';

const argOf = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = argOf('--runs', 5);
const SIZE = argOf('--size', 10_000);
const TARGET_RATIO = 1.3;
const SIGN_SAMPLE = 500;
const dist = fileURLToPath(new URL('../../cli/dist/', import.meta.url));
const bin = fileURLToPath(new URL('../../cli/bin/run.js', import.meta.url));
if (!existsSync(dist)) {
  console.error('signed-validate.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
// CPU seconds (user + sys of the process and its threads) through GNU time when present.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const median = (values) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const loads = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

const trust = await loadTrust();
const unsigned = cachedRegistry(SIZE);
const signed = cachedRegistry(SIZE, console.log, { signed: true, trust });
const results = signed.gen.counts.Result;
console.log(
  `registries of ${SIZE} entities (${results} results; signed: one key per runner, ${signed.gen.counts.Runner} runners)`,
);
console.log(
  `${RUNS} runs of each, alternating; ${availableParallelism()} cores; load average before ${loads()}`,
);

/** One whole-process `gitperf validate registry`; refuses a run that does not find the registry valid. */
function validateOnce(repo, env = {}) {
  const argv = [process.execPath, bin, 'validate', 'registry'];
  const [command, ...rest] = GNU_TIME ? [GNU_TIME, '-f', '@@cpu %U %S', ...argv] : argv;
  const start = process.hrtime.bigint();
  const run = spawnSync(command, rest, {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0 || !run.stdout.includes(`valid (${SIZE} entities)`)) {
    throw new Error(
      `validate in ${repo} exited ${run.status}:\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`,
    );
  }
  const cpu = /@@cpu ([\d.]+) ([\d.]+)\s*$/.exec(run.stderr);
  return { wall, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN };
}

// One home kept across runs (its parse cache warmed once); a cold variant gets a fresh home every run.
const warmHome = mkdtempSync(join(tmpdir(), 'gitperf-bench-home-'));
const freshHome = () => ({ GITPERF_HOME: mkdtempSync(join(tmpdir(), 'gitperf-bench-home-')) });
const variants = [
  { name: 'unsigned', repo: unsigned.repo },
  { name: 'signed (warm, judged)', repo: signed.repo },
  { name: 'signed cold (workers)', repo: signed.repo, cold: true },
  {
    name: 'signed cold (one thread)',
    repo: signed.repo,
    cold: true,
    env: { GITPERF_SIGNATURE_WORKERS: '0' },
  },
];
const times = variants.map(() => []);
try {
  validateOnce(signed.repo, { GITPERF_HOME: warmHome }); // warms the verdict cache
  for (let run = 0; run < RUNS; run++) {
    for (const [index, variant] of variants.entries()) {
      const home = variant.cold ? freshHome() : { GITPERF_HOME: warmHome };
      try {
        times[index].push(validateOnce(variant.repo, { ...home, ...variant.env }));
      } finally {
        if (variant.cold) rmSync(home.GITPERF_HOME, { recursive: true, force: true });
      }
    }
  }
} finally {
  rmSync(warmHome, { recursive: true, force: true });
}
const figures = times.map((runs) => ({
  wall: median(runs.map((t) => t.wall)),
  cpu: median(runs.map((t) => t.cpu)),
}));
const base = figures[0];
console.log(`\n${'validate (full)'.padEnd(28)}wall (cpu)              x unsigned: wall (cpu)`);
for (const [index, variant] of variants.entries()) {
  const { wall, cpu } = figures[index];
  const ratio = index === 0 ? '' : `x${(wall / base.wall).toFixed(2)} (x${(cpu / base.cpu).toFixed(2)})`;
  console.log(`${variant.name.padEnd(28)}${`${wall.toFixed(3)} s (${cpu.toFixed(3)} s)`.padEnd(24)}${ratio}`);
}
const ratio = figures[1].wall / base.wall;
console.log(
  `signed (warm) / unsigned, wall: x${ratio.toFixed(2)}  target <= ${TARGET_RATIO}  ${ratio <= TARGET_RATIO ? 'OK' : 'OVER'}` +
    ` [cpu x${(figures[1].cpu / base.cpu).toFixed(2)}]`,
);
const coldRatio = figures[2].wall / base.wall;
console.log(
  `signed cold / unsigned, wall: x${coldRatio.toFixed(2)} (cpu x${(figures[2].cpu / base.cpu).toFixed(2)}), not judged:` +
    ' a first validation, or one after every result changed, verifies every signature',
);
console.log(
  `validation CPU per signed result verified (cold): ${(((figures[2].cpu - base.cpu) / results) * 1000).toFixed(3)} ms with workers, ` +
    `${(((figures[3].cpu - base.cpu) / results) * 1000).toFixed(3)} ms in one thread; ` +
    `per signed result with its verdict cached: ${(((figures[1].cpu - base.cpu) / results) * 1000).toFixed(3)} ms`,
);

// Signing: what a runner spends on one result (canonical payload, SSHSIG, Ed25519 with its key imported),
// on results of the signed registry, by the built code `gitperf result submit --runner` uses.
const { fastParse } = await import(pathToFileURL(join(dist, 'registry/fast-yaml.js')).href);
const resultFiles = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (resultFiles.length >= SIGN_SAMPLE) return;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.includes('/results/')) resultFiles.push(path);
  }
};
walk(join(signed.repo, 'registry', 'benchmarks'));
const toSign = resultFiles.map((file) => {
  const result = fastParse(readFileSync(file, 'utf8'));
  delete result.spec.signature;
  return { result, key: runnerKeyPair(trust, result.spec.execution.runnerRef) };
});
for (const { result, key } of toSign.slice(0, 50)) trust.signResult(result, key); // warm-up
const perResult = [];
const batchStart = process.cpuUsage();
for (const { result, key } of toSign) {
  const start = process.cpuUsage();
  trust.signResult(result, key);
  const used = process.cpuUsage(start);
  perResult.push((used.user + used.system) / 1000);
}
const batch = process.cpuUsage(batchStart);
// The private key's import (PKCS#8, which derives the public half itself) is most of it: measured apart.
const { privateKeyObject } = await import(pathToFileURL(join(dist, 'trust/ed25519.js')).href);
const importStart = process.cpuUsage();
for (const { key } of toSign) privateKeyObject(key.seed);
const imported = process.cpuUsage(importStart);
console.log(
  `signing one result (runner side): median ${median(perResult).toFixed(3)} ms CPU, mean ${((batch.user + batch.system) / 1000 / toSign.length).toFixed(3)} ms over ${toSign.length} results` +
    `, of which importing the private key ${((imported.user + imported.system) / 1000 / toSign.length).toFixed(3)} ms`,
);
console.log(`load average after ${loads()} (wall time grows with load; CPU time much less)`);

#!/usr/bin/env node
// gitperf validate on a generated 10,000-entity registry, timed as whole processes (medians):
//   full validation, --changed-since for a one-file change, and `gitperf --help` start-up.
// Targets on the 2-core reference machine: full <= 1.5 s, incremental <= 0.3 s, start-up <= 0.2 s.
// Usage: node scripts/bench/validate.bench.mjs [--entities N] [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRegistry } from './gen-registry.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ENTITIES = arg('--entities', 10_000);
const RUNS = arg('--runs', 5);
const bin = fileURLToPath(new URL('../../cli/bin/run.js', import.meta.url));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs the CLI `runs` times as a whole process; returns wall-clock seconds, checking the exit code. */
function time(args, cwd, wantExit, check) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== wantExit) {
      throw new Error(
        `gitperf ${args.join(' ')} exited ${r.status}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`,
      );
    }
    check?.(r.stdout);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const root = mkdtempSync(join(tmpdir(), 'gitperf-bench-'));
try {
  const dir = join(root, 'registry');
  const gen = generateRegistry(dir, ENTITIES);
  const git = (...a) => execFileSync('git', a, { cwd: root, stdio: 'pipe' });
  git('init', '-q');
  git('-c', 'user.email=b@example.org', '-c', 'user.name=bench', 'add', '.');
  git('-c', 'user.email=b@example.org', '-c', 'user.name=bench', 'commit', '-q', '-m', 'bench registry');
  // One-file change for --changed-since: a result's metric moves.
  const changed = join(dir, gen.samplePaths.result);
  writeFileSync(changed, readFileSync(changed, 'utf8').replace(/auc: 0\.\d+/, 'auc: 0.5'));

  console.log(
    `registry: ${gen.total} entities (${Object.entries(gen.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); ${RUNS} runs each; ${availableParallelism()} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  const full = time(['validate', 'registry'], root, 0, (out) => {
    if (!out.includes(`valid (${gen.total} entities)`))
      throw new Error(`unexpected output: ${out.slice(-500)}`);
  });
  const inc = time(['validate', 'registry', '--changed-since', 'HEAD'], root, 0, (out) => {
    if (!out.includes('valid (1 changed file)')) throw new Error(`unexpected output: ${out.slice(-500)}`);
  });
  const help = time(['--help'], root, 0);
  const row = (name, r, target) =>
    console.log(
      `${name.padEnd(34)} median ${r.median.toFixed(3)} s  (min ${r.min.toFixed(3)}, max ${r.max.toFixed(3)})  target <= ${target} s  ${r.median <= target ? 'OK' : 'OVER'}`,
    );
  row('validate (full, 10k entities)', full, 1.5);
  row('validate --changed-since (1 file)', inc, 0.3);
  row('gitperf --help (start-up)', help, 0.2);
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}

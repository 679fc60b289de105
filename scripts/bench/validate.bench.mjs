#!/usr/bin/env node
// gitperf validate on a generated 10,000-entity registry, timed as whole processes (medians):
//   full validation, --changed-since for a one-file change, and `gitperf --help` start-up.
// Targets on the 2-core reference machine: full <= 1.5 s, incremental <= 0.3 s, start-up <= 0.2 s.
// Usage: node scripts/bench/validate.bench.mjs [--entities N] [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// CPU seconds (user + sys) of each run, through GNU time when the machine has it: on a shared
// machine wall-clock time mostly measures the neighbours, CPU time measures us.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs `argv` RUNS times as a whole process: wall-clock and CPU seconds; checks the exit code. */
function time(argv, cwd, wantExit, check) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    const [cmd, ...rest] = GNU_TIME ? [GNU_TIME, '-f', 'cpu %U %S', ...argv] : argv;
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, rest, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    wall.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== wantExit) {
      throw new Error(
        `${argv.join(' ')} exited ${r.status}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`,
      );
    }
    const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (m) cpu.push(Number(m[1]) + Number(m[2]));
    check?.(r.stdout);
  }
  return {
    median: median(wall),
    min: Math.min(...wall),
    max: Math.max(...wall),
    cpu: cpu.length ? median(cpu) : undefined,
  };
}
const gitperf = (...args) => [process.execPath, bin, ...args];

function row(name, r, target) {
  const cpu = r.cpu === undefined ? '' : `  cpu ${r.cpu.toFixed(3)} s`;
  const goal = target ? `  target <= ${target} s  ${r.median <= target ? 'OK' : 'OVER'}` : '';
  console.log(
    `${name.padEnd(34)} median ${r.median.toFixed(3)} s  (min ${r.min.toFixed(3)}, max ${r.max.toFixed(3)})${cpu}${goal}`,
  );
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

  const counts = Object.entries(gen.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(
    `registry: ${gen.total} entities (${counts}); ${RUNS} runs each; ${availableParallelism()} cores`,
  );
  console.log(`load average before: ${load()}`);
  const full = time(gitperf('validate', 'registry'), root, 0, (out) => {
    if (!out.includes(`valid (${gen.total} entities)`))
      throw new Error(`unexpected output: ${out.slice(-500)}`);
  });
  const inc = time(gitperf('validate', 'registry', '--changed-since', 'HEAD'), root, 0, (out) => {
    if (!out.includes('valid (1 changed file)')) throw new Error(`unexpected output: ${out.slice(-500)}`);
  });
  const help = time(gitperf('--help'), root, 0);
  const node = time([process.execPath, '-e', '0'], root, 0);
  row('validate (full, 10k entities)', full, 1.5);
  row('validate --changed-since (1 file)', inc, 0.3);
  row('gitperf --help (start-up)', help, 0.2);
  row('node -e 0 (baseline: bare Node)', node);
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

#!/usr/bin/env node
// A `gitperf runner start` pass with nothing to do (registry unchanged), target <= 0.3 s. The registry is the
// demo's (`gitperf demo --runner local`: every job of hospital A has its result merged); hospital A's runner
// first plans once (0 jobs), then each pass over the unchanged registry is timed: in process (a pass of the
// running loop: one fetch of the forge, one ref lookup, the runner's memory) and, for reference, as a whole
// `runner start --once` process (node and oclif start-up included). Medians, with CPU seconds for the
// whole process: on a shared machine wall-clock time mostly measures the neighbours.
// Standalone: `npm run build && node scripts/bench/runner-pass.bench.mjs`. Env: GITPERF_BENCH_RUNS (default 15).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'cli/dist');
if (!existsSync(join(dist, 'runner/index.js'))) {
  console.error('runner-pass.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
const load = (rel) => import(pathToFileURL(join(dist, rel)).href);
const { runDemo } = await load('demo/demo.js');
const { runnerPass, selectRunner } = await load('runner/index.js');
const { openLocalContext } = await load('submission/index.js');
const { givenConsent } = await load('participants/index.js');

const RUNS = Number(process.env.GITPERF_BENCH_RUNS ?? 15);
const TARGET = 0.3;
const bin = join(root, 'cli/bin/run.js');
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'gitperf-runner-bench-'));
try {
  const t0 = performance.now();
  const demo = await runDemo({ dir: join(dir, 'demo'), runner: 'local', write: () => {} });
  console.log(`setup: the demo registry in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const home = join(demo.dir, 'sites', 'hospital-a');
  copyFileSync(join(demo.home, 'config.yaml'), join(home, 'config.yaml'));
  const participant = {
    sub: await openLocalContext(demo.bare, 'hospital-a'),
    home,
    runner: 'local',
    consent: givenConsent(),
  };
  const runnerRef = await selectRunner(participant);
  const p1 = performance.now();
  const first = await runnerPass({ participant, runnerRef });
  console.log(
    `first pass (plans): ${first.jobs.length} job(s), ${((performance.now() - p1) / 1000).toFixed(3)} s`,
  );
  if (first.jobs.length !== 0) throw new Error(`expected nothing to do, got ${first.jobs.length} job(s)`);

  const inProcess = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await runnerPass({ participant, runnerRef });
    inProcess.push((performance.now() - t) / 1000);
    if (!r.unchanged) throw new Error('the registry did not change, yet the pass planned again');
  }

  const wall = [];
  const cpu = [];
  for (let i = 0; i < Math.min(RUNS, 7); i++) {
    const argv = [
      process.execPath,
      bin,
      'runner',
      'start',
      '--once',
      '--runner',
      'local',
      '--profile',
      'hospital-a',
    ];
    const [cmd, ...rest] = GNU_TIME ? [GNU_TIME, '-f', 'cpu %U %S', ...argv] : argv;
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, rest, { encoding: 'utf8', env: { ...process.env, GITPERF_HOME: home } });
    wall.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== 0 || !r.stdout.includes('nothing to do'))
      throw new Error(`runner start --once exited ${r.status}:\n${r.stdout}\n${r.stderr.slice(-2000)}`);
    const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (m) cpu.push(Number(m[1]) + Number(m[2]));
  }

  const pass = median(inProcess);
  console.log(
    `machine: ${availableParallelism()} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `pass with nothing to do (in process, median of ${RUNS}): ${pass.toFixed(3)} s (min ${Math.min(...inProcess).toFixed(3)}, max ${Math.max(...inProcess).toFixed(3)}); target <= ${TARGET} s: ${pass <= TARGET ? 'OK' : 'OVER'}`,
  );
  console.log(
    `whole process \`runner start --once\` (median of ${wall.length}): ${median(wall).toFixed(3)} s${cpu.length ? `, cpu ${median(cpu).toFixed(3)} s` : ''} (node and oclif start-up included)`,
  );
  if (pass > TARGET) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

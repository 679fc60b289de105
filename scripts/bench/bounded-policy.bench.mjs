#!/usr/bin/env node
// Bounded policy work: the whole `policy check` (evaluatePolicy over a real git repository, the validator
// included) of one submission carrying a hostile file. Before the bound, a 2.9 MB file did not finish in 90 s
// and 40,000 keys took 16 s; each must now be refused in well under a second. Also the worst file still under
// the bound (12,000 lines and commas, a duplicate key forcing the full YAML parser).
// Standalone: `npm run build && node scripts/bench/bounded-policy.bench.mjs`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'cli/dist/policy/index.js');
if (!existsSync(dist)) {
  console.error('bounded-policy.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
const { evaluatePolicy } = await import(dist);
const { MAX_FILE_ENTRIES } = await import(join(root, 'cli/dist/registry/yaml-file.js'));

const repo = mkdtempSync(join(tmpdir(), 'gitperf-bounded-bench-'));
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.org', ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
cpSync(join(root, 'registry'), join(repo, 'registry'), { recursive: true });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-qm', 'base');

const header = 'apiVersion: gitperf/v1\nkind: MLCube\nmetadata:\n  name: x\n  owner: lee\nspec:\n';
const cases = {
  '2.9 MB file': () => {
    const lines = [];
    for (let index = 0; lines.length * 50 < 2_900_000; index++) lines.push(`  x${index}: ${'v'.repeat(40)}`);
    return `${header}${lines.join('\n')}\n`;
  },
  '100,000 keys under 1 MiB': () =>
    `${header}${Array.from({ length: 100_000 }, (_, index) => `  k${index.toString(36)}:`).join('\n')}\n`,
  [`${MAX_FILE_ENTRIES - 20} keys and a duplicate (the full parser, under the bound)`]: () =>
    `${header}${Array.from({ length: MAX_FILE_ENTRIES - 20 }, (_, index) => `  k${index}: 1`).join('\n')}\n  k0: 2\n`,
};

let failed = false;
try {
  for (const [name, make] of Object.entries(cases)) {
    git('checkout', '-q', 'main');
    git('checkout', '-q', '-B', 'pr');
    mkdirSync(join(repo, 'registry/mlcubes/lee'), { recursive: true });
    writeFileSync(join(repo, 'registry/mlcubes/lee/x.yaml'), make());
    git('add', '-A');
    git('commit', '-qm', name);
    const start = performance.now();
    const decision = await evaluatePolicy({
      repoDir: repo,
      baseRef: 'main',
      headRef: 'pr',
      author: 'lee',
      reviews: [],
    });
    const ms = performance.now() - start;
    const codes = decision.violations.map((violation) => violation.code).join(', ');
    console.log(
      `policy check, one submission with a ${name}: ${ms.toFixed(0)} ms -> ${decision.status} (${codes})`,
    );
    if (decision.status !== 'fail') failed = true;
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;

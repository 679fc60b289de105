#!/usr/bin/env node
// Regenerates the example registry in registry/ from what `gitperf demo` leaves behind (local runner):
// real hashes of the examples/ cubes and data, real compatibility-test records, real results. The only
// normalisation: every timestamp (ranAt, startedAt, finishedAt) is set to a fixed clock
// (cli/src/demo/example-registry.ts, EXAMPLE_CLOCK). test/e2e checks the committed registry/ matches.
// Usage: npm run build && node scripts/regenerate-example-registry.mjs [--out DIR]   (default: registry/)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => new URL(`../cli/dist/${p}`, import.meta.url).href;
const { runDemo } = await import(dist('demo/demo.js'));
const { exportRegistry, replaceRegistry } = await import(dist('demo/example-registry.js'));
const { readIdentityFile } = await import(dist('trust/index.js'));

const outIdx = process.argv.indexOf('--out');
const target = outIdx > 0 ? process.argv[outIdx + 1] : join(root, 'registry');
const work = await mkdtemp(join(tmpdir(), 'gitperf-regenerate-'));
process.env.GITPERF_HOME = join(work, 'demo', 'home');
try {
  const report = await runDemo({
    dir: join(work, 'demo'),
    runner: 'local',
    write: (s) => process.stderr.write(s),
  });
  // The demo's results are encrypted; the example carries them as the committee (ana) reads them.
  const identities = await readIdentityFile(join(report.home, 'keys', 'age', 'ana'));
  const files = await exportRegistry(report.bare, join(work, 'registry'), 'main', identities);
  await replaceRegistry(join(work, 'registry'), target);
  process.stdout.write(`wrote ${files.length} files to ${target}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}

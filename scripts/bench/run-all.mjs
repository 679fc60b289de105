#!/usr/bin/env node
// `npm run bench`: runs every scripts/bench/*.bench.mjs in name order, each as its own process
// (so one benchmark's warm caches or heap do not flatter the next). Exits 1 if any failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of benches) {
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, [join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`!! ${f} failed (exit ${r.status ?? r.signal})`);
  }
}
console.log(`\n${benches.length - failed} benchmark(s) ran, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

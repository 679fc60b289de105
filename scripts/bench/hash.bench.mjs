#!/usr/bin/env node
// Dataset hashing throughput: gitperf's MedPerf folder hash on 1 GiB spread over many files, against
// `openssl dgst -sha256` on the same files (the machine's hashing limit). Prints MB/s for one core and for
// one worker thread per core. Standalone: `npm run build && node scripts/bench/hash.bench.mjs`.
// Env: GITPERF_BENCH_HASH_MIB (default 1024) to try a smaller size.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const distModule = fileURLToPath(new URL('../../cli/dist/workflows/folder-hash.js', import.meta.url));
if (!existsSync(distModule)) {
  console.error('hash.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
const { folderHash, combineDigests } = await import(distModule);

const MiB = 1024 * 1024;
const totalBytes = Number(process.env.GITPERF_BENCH_HASH_MIB ?? 1024) * MiB;
const RUNS = 3;

async function makeTree(root) {
  // Sizes from 1 KiB to 2 MiB (mean ~1 MiB) over 32 folders: "many files", as an imaging dataset has.
  const chunk = Buffer.allocUnsafe(2 * MiB);
  randomFillSync(chunk);
  let written = 0;
  let i = 0;
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const files = [];
  while (written < totalBytes) {
    const dir = join(root, `case-${String(i % 32).padStart(2, '0')}`);
    if (i < 32) await mkdir(dir, { recursive: true });
    const size = Math.min(totalBytes - written, 1024 + Math.floor(rand() * (2 * MiB - 1024)));
    // Vary the bytes per file so every digest differs.
    chunk.writeUInt32LE(i, 0);
    const p = join(dir, `slice-${i}.bin`);
    await writeFile(p, chunk.subarray(0, size));
    files.push(p);
    written += size;
    i++;
  }
  return files;
}

function openssl(files) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('openssl', ['dgst', '-sha256', '-r', ...files], {
    maxBuffer: 64 * MiB,
    encoding: 'utf8',
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  const digests = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[0]);
  return { secs, digests };
}

async function ours(root, workers) {
  const t0 = process.hrtime.bigint();
  const h = await folderHash([root], { workers });
  return { secs: Number(process.hrtime.bigint() - t0) / 1e9, hex: h.hex };
}

const best = (xs) => Math.min(...xs);
const mbps = (secs) => totalBytes / 1e6 / secs;

const root = await mkdtemp(join(tmpdir(), 'gitperf-hash-bench-'));
try {
  const files = await makeTree(root);
  console.log(`hash.bench: ${files.length} files, ${(totalBytes / MiB).toFixed(0)} MiB in ${root}`);
  // Warm the page cache so every contender reads from memory.
  let ref = openssl(files);
  const expected = combineDigests(ref.digests);
  const o = [];
  const one = [];
  const par = [];
  const cores = Math.min(availableParallelism(), 4);
  for (let r = 0; r < RUNS; r++) {
    ref = openssl(files);
    o.push(ref.secs);
    const a = await ours(root, 1);
    const b = await ours(root, cores);
    if (a.hex !== expected || b.hex !== expected) throw new Error('folder hash differs from openssl digests');
    one.push(a.secs);
    par.push(b.secs);
  }
  const os1 = mbps(best(o));
  const g1 = mbps(best(one));
  const gN = mbps(best(par));
  console.log(`openssl dgst -sha256 (one stream):   ${os1.toFixed(0)} MB/s`);
  console.log(
    `gitperf folder hash, one core:       ${g1.toFixed(0)} MB/s  (${(g1 / os1).toFixed(2)} of openssl; target >= 0.80) ${g1 / os1 >= 0.8 ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(
    `gitperf folder hash, ${cores} workers:      ${gN.toFixed(0)} MB/s  (${(gN / os1).toFixed(2)} of openssl; target > 1.00) ${gN > os1 ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(`folder hash ${expected} (matches openssl's per-file digests)`);
  console.log(
    `load average ${loadavg()[0].toFixed(1)} on ${cores} cores (figures compare best on an idle machine)`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}

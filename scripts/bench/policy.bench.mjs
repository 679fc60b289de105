#!/usr/bin/env node
// Policy engine figures: the size of the generated CODEOWNERS for 50,000 users and 5,000 benchmarks; must
// stay under GitHub's 3 MB limit. (`policy check` times at 10,000 and 100,000 entities: scale.bench.mjs.)
// Standalone: `npm run build && node scripts/bench/policy.bench.mjs`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'cli/dist/policy/index.js');
if (!existsSync(dist)) {
  console.error('policy.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
const { generateCodeowners, GITHUB_CODEOWNERS_LIMIT } = await import(dist);

let failed = false;
{
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
}
if (failed) process.exitCode = 1;

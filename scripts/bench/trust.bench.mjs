#!/usr/bin/env node
// Trust figures (issue 11). (1) Signing and encrypting one result: canonical payload + SSHSIG signature +
// age encryption of its measurements to 5 recipients, in CPU milliseconds per result (user + sys of this
// process, all threads); target <= 20 ms. (2) Verifying 10,000 result signatures (20 runner keys) against
// allowed signers on one thread: seconds and per-signature cost, for the integrator's worker-pool sizing.
// Standalone: `npm run build && node scripts/bench/trust.bench.mjs`. Env: GITPERF_BENCH_TRUST_SIGNATURES.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../cli/dist/trust/index.js', import.meta.url));
if (!existsSync(dist)) {
  console.error('trust.bench: cli/dist is missing; run `npm run build` first');
  process.exit(1);
}
const trust = await import(dist);
const { generateX25519Identity, identityToRecipient } = await import('age-encryption');

const SIGN_ROUNDS = 200;
const SIGNATURES = Number(process.env.GITPERF_BENCH_TRUST_SIGNATURES ?? 10_000);
const RUNNERS = 20;
const median = (values) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];
const cpuMs = (start) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function sampleResult(index, runner) {
  const hex = (seed) => `sha256:${seed.toString(16).padStart(64, '0')}`;
  return {
    metadata: { name: `model-${index % 50}.cube`, owner: `hospital-${index % 100}` },
    spec: {
      benchmark: `bench-${index % 10}`,
      model: `model-${index % 50}/cube`,
      dataset: `hospital-${index % 100}/data-${index}`,
      metrics: {
        accuracy: 0.9 + (index % 97) / 1000,
        auc: 0.95,
        sensitivity: 0.91,
        specificity: 0.88,
        f1: 0.9,
      },
      sufficientStatistics: { cases: 300 + index, tp: 120, fp: 12, tn: 150, fn: 18 + index },
      partial: false,
      execution: {
        runner: 'podman',
        runnerRef: runner,
        startedAt: '2026-11-30T10:00:00Z',
        finishedAt: '2026-11-30T10:05:00Z',
        gitperfVersion: '0.1.0',
        cubes: [
          { role: 'preparator', ref: 'ana/prep', hashes: { manifest: hex(1), parameters: hex(2) } },
          {
            role: 'model',
            ref: `model-${index % 50}/cube`,
            hashes: { manifest: hex(3 + index), image: hex(4) },
          },
          { role: 'metrics', ref: 'ana/metrics', hashes: { manifest: hex(5), parameters: hex(6) } },
        ],
        dataset: { generatedUid: hex(1_000_000 + index) },
      },
    },
  };
}

// (1) Sign + encrypt one result, as `result submit` will: measurements encrypted to 5 readers, the
// encrypted form's digest in the payload, the payload signed.
const runnerKey = trust.generateEd25519KeyPair();
const recipients = [];
for (let reader = 0; reader < 5; reader++)
  recipients.push(await identityToRecipient(await generateX25519Identity()));
async function signAndEncrypt(index) {
  const result = sampleResult(index, 'hospital-0/gpu-1');
  const { metrics, sufficientStatistics } = result.spec;
  const encrypted = await trust.encryptMeasurements({ metrics, sufficientStatistics }, recipients);
  result.spec.metrics = undefined;
  result.spec.sufficientStatistics = undefined;
  result.spec.encrypted = { scheme: 'age', recipients: ['a', 'b', 'c', 'd', 'e'], ...encrypted };
  result.spec.signature = trust.signResult(result, runnerKey);
  return result;
}
for (let warm = 0; warm < 20; warm++) await signAndEncrypt(warm);
const perResult = [];
const batchStart = process.cpuUsage();
for (let round = 0; round < SIGN_ROUNDS; round++) {
  const start = process.cpuUsage();
  await signAndEncrypt(round);
  perResult.push(cpuMs(start));
}
const meanSign = cpuMs(batchStart) / SIGN_ROUNDS;
const signOk = Math.max(median(perResult), meanSign) <= 20;
console.log(
  `sign + encrypt one result (5 recipients): median ${median(perResult).toFixed(2)} ms CPU, mean ${meanSign.toFixed(2)} ms over ${SIGN_ROUNDS}  target <= 20 ms  ${signOk ? 'OK' : 'OVER'}`,
);

// (2) Verify many signatures by a few runner keys, as validate will.
const keys = Array.from({ length: RUNNERS }, () => trust.generateEd25519KeyPair());
const signers = trust.allowedSignerLines(
  keys.map((key, runner) => ({
    principals: [`hospital-${runner}/gpu-1`],
    publicKey: trust.formatPublicKey(key.publicKey),
    namespaces: ['gitperf-result'],
    validAfter: new Date('2026-01-01T00:00:00Z'),
  })),
);
const results = [];
for (let index = 0; index < SIGNATURES; index++) {
  const runner = index % RUNNERS;
  const result = sampleResult(index, `hospital-${runner}/gpu-1`);
  result.spec.signature = trust.signResult(result, keys[runner]);
  results.push(result);
}
const wallStart = process.hrtime.bigint();
const verifyStart = process.cpuUsage();
let verified = 0;
for (const result of results) if (trust.verifyResultSignature({ result, signers }).ok) verified++;
const verifySeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
const verifyCpu = cpuMs(verifyStart) / 1000;
if (verified !== SIGNATURES) throw new Error(`only ${verified} of ${SIGNATURES} signatures verified`);
console.log(
  `verify ${SIGNATURES} result signatures (one thread): ${verifySeconds.toFixed(2)} s wall, ${verifyCpu.toFixed(2)} s CPU, ${((verifyCpu / SIGNATURES) * 1e6).toFixed(0)} µs each`,
);
console.log(`load average ${loadavg()[0].toFixed(1)} (CPU figures hold under load better than wall time)`);

#!/usr/bin/env node
// Trust figures (issue 11). (1) Encrypting and signing one result as `result submit` does (readers by the
// policy, age encryption of its measurements, canonical payload + SSHSIG signature), in CPU milliseconds per
// result (user + sys of this process, all threads), and what it adds to signing alone; target <= 20 ms added. (2) Verifying 10,000 result signatures (20 runner keys) against
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

// (1) Encrypt + sign one result exactly as `result submit` and the runner's job do when the benchmark keeps
// results encrypted (registry/result-readers.ts picks the readers: 2 committee members, the data owner, the
// model owner; registry/result-encryption.ts encrypts; then the payload is signed), against signing alone
// (today's signed `result submit`): the difference is the cost encryption adds.
const registryDist = (file) => fileURLToPath(new URL(`../../cli/dist/registry/${file}`, import.meta.url));
const { resultReaders } = await import(registryDist('result-readers.js'));
const { encryptResult } = await import(registryDist('result-encryption.js'));
const runnerKey = trust.generateEd25519KeyPair();
const recipientOf = new Map();
for (const login of ['ana', 'raj', 'hospital-0', 'model-0'])
  recipientOf.set(login, [await identityToRecipient(await generateX25519Identity())]);
const benchmark = {
  spec: { committee: ['ana', 'raj'], policy: { sharing: 'per-model', participants: 'full' } },
};
async function encryptAndSign(index) {
  const result = sampleResult(0, 'hospital-0/gpu-1');
  result.spec.dataset = `hospital-0/data-${index}`;
  const readers = resultReaders(
    benchmark,
    { model: result.spec.model, dataOwner: result.metadata.owner },
    (login) => recipientOf.get(login),
  );
  const encrypted = await encryptResult(result, readers);
  encrypted.spec.signature = trust.signResult(encrypted, runnerKey);
  return encrypted;
}
function signOnly(index) {
  const result = sampleResult(index, 'hospital-0/gpu-1');
  result.spec.signature = trust.signResult(result, runnerKey);
  return result;
}
const sampleReaders = (await encryptAndSign(0)).spec.encrypted.recipients;
if (sampleReaders.length !== 4) throw new Error(`expected 4 readers, got ${sampleReaders.join(', ')}`);
for (let warm = 0; warm < 20; warm++) {
  await encryptAndSign(warm);
  signOnly(warm);
}
const measure = async (work) => {
  const each = [];
  const batchStart = process.cpuUsage();
  for (let round = 0; round < SIGN_ROUNDS; round++) {
    const start = process.cpuUsage();
    await work(round);
    each.push(cpuMs(start));
  }
  return { median: median(each), mean: cpuMs(batchStart) / SIGN_ROUNDS };
};
const both = await measure(encryptAndSign);
const signing = await measure(signOnly);
const added = Math.max(both.median - signing.median, both.mean - signing.mean);
const signOk = added <= 20;
console.log(
  `encrypt (4 readers: committee x2, data owner, model owner) + sign one result: median ${both.median.toFixed(2)} ms CPU, mean ${both.mean.toFixed(2)} ms over ${SIGN_ROUNDS}; signing alone (today's signed submit): median ${signing.median.toFixed(2)} ms, mean ${signing.mean.toFixed(2)} ms; added by encryption ${added.toFixed(2)} ms  target <= 20 ms  ${signOk ? 'OK' : 'OVER'}`,
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

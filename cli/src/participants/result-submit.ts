/**
 * `gitperf result submit`: after `gitperf benchmark run`, publish the results of one dataset as
 * `registry/benchmarks/<b>/results/<owner>/<dataset>/<model-owner>.<cube>.yaml`. Everything that will be
 * published is shown (each file as written, and the plaintext of encrypted measurements) and consent asked
 * first; submitting them as the data owner is the consent the registry records (authorship). Only models the benchmark runs (the reference model and merged
 * associations) are submitted; others are left out with a warning.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { type Diagnostic, fail, warning } from '../diagnostics/diagnostic.js';
import { datasetAssociationRef, resultRef } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import {
  readableMeasurements,
  readersInRegistry,
  requireCommitteeReader,
  sealResult,
} from '../registry/result-encryption.js';
import { describeReaders, type ResultReaders, resultsEncrypted } from '../registry/result-readers.js';
import { isSignedResult, UNSIGNED, UNSIGNED_WHY } from '../registry/result-signed.js';
import type { Result } from '../registry/types.generated.js';
import { type Measurements, measurementsJson } from '../trust/index.js';
import { toYaml } from '../workflows/atomic.js';
import { layout, pairName } from '../workflows/layout.js';
import { readerIdentities } from './age-identity.js';
import { requireConsent } from './consent.js';
import { me, type Participant } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { signAsRunner } from './result-signing.js';
import { registrySnapshot } from './snapshot.js';
import { type EntityFile, entityFile, indent, type SubmitOutcome, submit } from './submit.js';
import { failUnregistered } from './unmerged.js';

export interface ResultSubmitInput {
  benchmark: string;
  /** Dataset name (yours) or `owner/name`. */
  dataset: string;
  /** Only this model's result (`owner/name`); default: every result of the dataset. */
  model?: string;
  /** The branch to open it from (a runner's per-job name: the forge opens a branch once). */
  branch?: string;
  /**
   * The runner (`owner/name`) that produced the results: each is signed with its key on this machine
   * (result-signing.ts). Without it the results are submitted unsigned.
   */
  runner?: string;
}

export interface ResultSubmitOutcome extends SubmitOutcome {
  results: Array<{
    model: string;
    path: string;
    partial: boolean;
    metrics: Record<string, number>;
    /** Whether it is signed (false: marked `unsigned`, registry/result-signed.ts). */
    signed: boolean;
    /** Signed by this runner's key, or absent (unsigned). */
    signedBy?: string;
    /** The logins it is encrypted to, when the benchmark keeps results private. */
    encryptedTo?: string[];
  }>;
  skipped: Diagnostic[];
}

export async function submitResults(
  participant: Participant,
  input: ResultSubmitInput,
): Promise<ResultSubmitOutcome> {
  const dsRef = input.dataset.includes('/') ? input.dataset : `${me(participant)}/${input.dataset}`;
  const [owner, name] = dsRef.split('/');
  if (owner !== me(participant))
    fail(
      'result.not-owner',
      `results of ${dsRef} are submitted by its owner ${owner}; you act as ${me(participant)}`,
      {},
      2,
    );
  const lay = layout(participant.home);
  const dir = dirname(lay.result(input.benchmark, owner, name, 'x/y'));
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.yaml')).sort();
  const wanted = input.model ? [`${pairName(input.model)}.yaml`] : files;
  if (input.model && !files.includes(wanted[0]))
    fail(
      'result.not-found',
      `no result of ${input.model} on ${name} in ${dir}; run \`gitperf benchmark run --benchmark ${input.benchmark} --dataset ${name} --model ${input.model}\` first`,
    );
  if (wanted.length === 0)
    fail(
      'result.not-found',
      `no results for ${dsRef} in ${dir}; run \`gitperf benchmark run --benchmark ${input.benchmark} --dataset ${name}\` first`,
    );

  const snap = await registrySnapshot(participant.sub, participant.home);
  const index = snap.registry.index;
  const bench = index.get('Benchmark', input.benchmark);
  if (!bench) fail('benchmark.not-found', `no benchmark ${input.benchmark} on the registry's default branch`);
  const registered = index.get('Dataset', dsRef);
  if (!registered)
    fail(
      'result.dataset-unregistered',
      `${dsRef} is not registered; \`gitperf dataset register ${name}\` first`,
    );
  if (!index.get('DatasetAssociation', datasetAssociationRef(input.benchmark, dsRef)))
    await failUnregistered(participant, {
      code: 'result.dataset-unassociated',
      what: `the association of ${dsRef} with ${input.benchmark}`,
      path: repoEntityPath('DatasetAssociation', datasetAssociationRef(input.benchmark, dsRef)),
      howToAdd: `request it first (\`gitperf association request --benchmark ${input.benchmark} --dataset ${dsRef}\`) and have the committee approve it`,
    });
  const associated = new Set([
    bench.entity.spec.referenceModel,
    ...index.modelAssociations(input.benchmark).map((a) => a.entity.spec.model),
  ]);

  const chosen: Result[] = [];
  const skipped: Diagnostic[] = [];
  for (const fileName of wanted) {
    const result = parse(await readFile(join(dir, fileName), 'utf8')) as Result;
    if (
      result?.kind !== 'Result' ||
      result.spec?.benchmark !== input.benchmark ||
      result.spec.dataset !== dsRef
    ) {
      skipped.push(
        warning(
          'result.foreign',
          `${join(dir, fileName)} is not a result of ${input.benchmark} on ${dsRef}; left out`,
        ),
      );
      continue;
    }
    if (!associated.has(result.spec.model)) {
      skipped.push(
        warning(
          'result.not-associated',
          `${result.spec.model} is not associated with ${input.benchmark} (yet); its result is left out`,
        ),
      );
      continue;
    }
    if (result.spec.execution.dataset.generatedUid !== registered.entity.spec.generatedUid)
      fail(
        'result.dataset-mismatch',
        `the result of ${result.spec.model} was computed on data ${result.spec.execution.dataset.generatedUid}, not on the registered ${dsRef} (${registered.entity.spec.generatedUid}); run the benchmark again`,
        { file: join(dir, fileName) },
      );
    checkSchema('Result', result);
    chosen.push(result);
  }
  // Encrypt before signing: the signature then covers the digest of the encrypted measurements.
  const plain = chosen.slice();
  const sealedOf: Array<SealedPart | undefined> = [];
  if (resultsEncrypted(bench.entity)) {
    const { identities } = await readerIdentities(participant.home);
    for (const [i, result] of chosen.entries()) {
      const readers = readersInRegistry(index, bench.entity, result);
      requireCommitteeReader(readers, input.benchmark);
      for (const reader of readers.withoutRecipients)
        skipped.push(
          warning(
            'result.reader-without-recipient',
            `${reader.login} (${reader.roles.join(', ')}) may read the result of ${result.spec.model} but has published no age recipient, so it is not encrypted to them; they run \`gitperf user age-key\`, then a committee member re-encrypts (\`gitperf result reencrypt --benchmark ${input.benchmark}\`)`,
          ),
        );
      const previous = index.get('Result', resultRef(input.benchmark, dsRef, result.spec.model));
      const sealed = await sealResult(
        result,
        readers,
        previous && {
          entity: previous.entity,
          measurements: await readableMeasurements(previous.entity, identities, previous.file),
        },
      );
      chosen[i] = sealed.entity;
      sealedOf[i] = { plaintext: sealed.plaintext, readers };
    }
  }
  if (input.runner) {
    const runner = index.get('Runner', input.runner);
    if (!runner)
      await failUnregistered(participant, {
        code: 'result.runner-unregistered',
        what: `runner ${input.runner}`,
        path: repoEntityPath('Runner', input.runner),
        howToAdd: 'register it first (`gitperf runner register`) and have it merged',
      });
    for (const [i, result] of chosen.entries())
      chosen[i] = await signAsRunner(participant.home, result, input.runner, runner?.entity);
  }
  for (const diagnostic of skipped) participant.onWarning?.(diagnostic);
  if (chosen.length === 0)
    fail('result.nothing', `no result of ${dsRef} can be submitted to ${input.benchmark}`);

  const path = (r: Result) => repoEntityPath('Result', resultRef(input.benchmark, dsRef, r.spec.model));
  // The files the consent screen shows are the ones submitted, byte for byte.
  const submitted = chosen.map((r) => entityFile(path(r), r));
  // The policy's forecast runs first (inside submit), so consent is asked only for what can be opened.
  const out = await submit(participant, submitted, {
    title:
      chosen.length === 1
        ? `Add the result of ${chosen[0].spec.model} on ${dsRef} (${input.benchmark})`
        : `Add ${chosen.length} results on ${dsRef} (${input.benchmark})`,
    branch: input.branch,
    confirm: async () =>
      requireConsent(
        await participant.consent(
          resultConsentText(
            dsRef,
            input.benchmark,
            plain.map((result, i) => ({
              result,
              signed: isSignedResult(chosen[i]),
              file: submitted[i],
              sealed: sealedOf[i],
            })),
          ),
          `Publish ${chosen.length === 1 ? 'this result' : `these ${chosen.length} results`}?`,
        ),
      ),
  });
  return {
    ...out,
    results: chosen.map((result, i) => ({
      model: result.spec.model,
      path: path(result),
      partial: result.spec.partial,
      metrics: (plain[i].spec.metrics ?? {}) as Record<string, number>,
      signed: isSignedResult(result),
      ...(isSignedResult(result) ? { signedBy: result.spec.execution.runnerRef } : {}),
      ...(result.spec.encrypted ? { encryptedTo: result.spec.encrypted.recipients } : {}),
    })),
    skipped,
  };
}

/** What an encrypted result's ciphertext holds and who can decrypt it. */
export interface SealedPart {
  plaintext: Measurements;
  readers: ResultReaders;
}

/** One result on the consent screen: its plain measurements, the file submitted, and what is sealed in it. */
export interface ConsentPart {
  /** The result before encryption and signing (for the summary). */
  result: Result;
  /** Whether the file submitted is signed (the result above is not yet). */
  signed: boolean;
  /** The registry file exactly as submitted. */
  file: EntityFile;
  /** Present when the measurements are encrypted. */
  sealed?: SealedPart;
}

/**
 * The result consent screen: every byte that leaves (issue 11). A summary of the metrics, then per result the
 * file exactly as it is published (readable by everyone who can read the registry) and, when its measurements
 * are encrypted, the plaintext inside the ciphertext (every metric and sufficient statistic, and the nonce)
 * with the logins able to decrypt it.
 */
export function resultConsentText(dataset: string, benchmark: string, parts: readonly ConsentPart[]): string {
  const encrypted = parts.some((part) => part.sealed);
  const lines = [
    encrypted
      ? `These results of ${dataset} on ${benchmark} will be submitted. Their metrics and sufficient statistics are encrypted (age): only the readers named below can decrypt them; who, what, the hashes of the cubes and data that produced them, the signature and "partial" stay public. Everything that leaves follows the summary.`
      : `These results of ${dataset} on ${benchmark} will be published, in the clear (with the hashes of the cubes and data that produced them). Everything that leaves follows the summary.`,
    '',
    'Summary:',
    ...parts.map((part) => metricsBlock(part.result, part.signed)),
  ];
  for (const part of parts) {
    lines.push(
      '',
      `File ${part.file.path}, exactly as published (readable by everyone who can read the registry):`,
      indent(part.file.content),
    );
    if (!part.sealed) continue;
    const { plaintext, readers } = part.sealed;
    const able = readers.readers.filter((reader) => reader.recipients.length > 0);
    lines.push(
      '',
      `Encrypted in that file's spec.encrypted.ciphertext, readable only by ${describeReaders(able)}; the plaintext (encrypted as its canonical JSON, whose SHA-256 is spec.encrypted.measurementsSha256; the nonce is random, so the public digest cannot be guessed):`,
      indent(toYaml(measurementsJson(plaintext))),
    );
    if (readers.withoutRecipients.length > 0)
      lines.push(
        `  Not readable (yet) by ${describeReaders(readers.withoutRecipients)}: they have published no age recipient.`,
      );
  }
  return lines.join('\n');
}

/** `  lee/bc-centroid (partial)` (and `(unsigned: ...)` without a runner's signature), then one `metric: value` line each. */
export function metricsBlock(result: Result, signed = isSignedResult(result)): string {
  const lines = [
    `  ${result.spec.model}${result.spec.partial ? '  (PARTIAL: the model failed on part of the data)' : ''}${
      signed ? '' : `  (${UNSIGNED}: ${UNSIGNED_WHY})`
    }`,
  ];
  for (const [metric, value] of Object.entries(result.spec.metrics ?? {}))
    lines.push(`    ${metric}: ${Number.isNaN(value) ? '.nan' : value}`);
  return lines.join('\n');
}

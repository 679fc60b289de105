/**
 * Where a result came from, checked against the registry (issue 11): the cubes it records are exactly the
 * benchmark's preparator, the result's model and the benchmark's metrics cube; at merge time their hashes and
 * the prepared data's generatedUid are the registry's current ones (provenance.ts compares: a result that was
 * current when it ran and whose cubes or data changed since is `stale`, which the plan re-runs, not invalid);
 * and its signature, when it has one, verifies against its runner's keys. That the benchmark, dataset and
 * model match the file's path is the layout layer's (`layout.benchmark-mismatch`, `layout.ref-mismatch`).
 *
 * Which runner key may vouch for a result: one listed for the runner that was valid at the result's
 * `finishedAt` (as `ssh-keygen -Y verify -Overify-time` checks) and, at merge time, not revoked (its
 * `validBefore` not earlier than the time of the check). `finishedAt` is the result's own claim, so alone it
 * would let whoever holds a rotated-out key back-date a new result into the old key's period; requiring the key
 * to be unrevoked when the result merges closes that. An unchanged result is checked at `finishedAt` only: it
 * passed the merge-time check when it merged.
 */
import { type Diagnostic, error, GitperfError } from '../diagnostics/diagnostic.js';
import {
  type AllowedSigner,
  type AllowedSignerLine,
  allowedSignerLines,
  keysNotRevokedAt,
  type ResultSignatureJob,
  type ResultSignatureVerdict,
  runnerSigners,
  verifyResultSignature,
} from '../trust/index.js';
import { entityPath } from './layout.js';
import type { LoadedEntity } from './loader.js';
import { hashDifferences } from './provenance.js';
import { type RunnerKeyData, runnerKeys, type SupportFacts } from './references.js';
import type { RegistryIndex } from './registry-index.js';
import type { CubeRole } from './types.generated.js';

export interface ProvenanceMode {
  /** The result is part of the change being merged: its hashes must be current, its key unrevoked. */
  atMerge: boolean;
  /** The time of the check (default: now). */
  now?: Date;
}

const ROLES: readonly CubeRole[] = ['preparator', 'model', 'metrics'];

/**
 * Provenance and signature of a Result; other kinds have none. With `signatures`, the signature is handed
 * to it (a verifier checking many at once, in worker threads) instead of being verified here.
 */
export function checkResultProvenance(
  loaded: LoadedEntity,
  support: SupportFacts,
  mode: ProvenanceMode,
  signatures?: SignatureSink,
): Diagnostic[] {
  if (loaded.kind !== 'Result') return [];
  const result = loaded as LoadedEntity<'Result'>;
  return [...checkCubesAndData(result, support, mode), ...checkSignature(result, support, mode, signatures)];
}

function checkCubesAndData(
  loaded: LoadedEntity<'Result'>,
  support: SupportFacts,
  mode: ProvenanceMode,
): Diagnostic[] {
  const spec = loaded.entity.spec;
  const out: Diagnostic[] = [];
  const at = (path: (string | number)[], target: 'key' | 'value' = 'value') => ({
    file: loaded.file,
    ...loaded.position(path, target),
  });
  const cubesPath = ['spec', 'execution', 'cubes'];
  // An unknown benchmark is the reference layer's error; without it there is nothing to compare with.
  const benchmark = support.benchmark(spec.benchmark);
  if (benchmark) {
    const expected: Record<CubeRole, { ref: string; what: string }> = {
      preparator: { ref: benchmark.preparator, what: `benchmark "${spec.benchmark}"'s preparator` },
      model: { ref: spec.model, what: "the result's spec.model" },
      metrics: { ref: benchmark.metrics, what: `benchmark "${spec.benchmark}"'s metrics cube` },
    };
    const seen = new Set<string>();
    for (const [i, cube] of spec.execution.cubes.entries()) {
      const want = expected[cube.role];
      if (seen.has(cube.role)) {
        out.push(
          error(
            'result.cube-duplicate',
            `the ${cube.role} is listed twice in spec.execution.cubes; a run records each of preparator, model and metrics once`,
            at([...cubesPath, i, 'role']),
          ),
        );
        continue;
      }
      seen.add(cube.role);
      if (cube.ref !== want.ref) {
        out.push(
          error(
            'result.cube-mismatch',
            `the ${cube.role} that ran is "${cube.ref}", but ${want.what} is "${want.ref}"; a result records the cubes of its own run`,
            at([...cubesPath, i, 'ref']),
          ),
        );
        continue;
      }
      const current = support.cubeHashes(cube.ref);
      if (!mode.atMerge || !current) continue;
      for (const key of hashDifferences(cube.hashes, current)) {
        const recorded = (cube.hashes as object as Partial<Record<string, string>>)[key];
        const now = current[key];
        const message =
          recorded === undefined
            ? `the ${cube.role} "${cube.ref}" has a ${key} hash (${now}) that the result does not record`
            : now === undefined
              ? `the result records a ${key} hash for the ${cube.role} "${cube.ref}", which has none in the registry`
              : `the ${cube.role} "${cube.ref}" has ${key} ${now} in the registry, but the result records ${recorded}`;
        out.push(
          error(
            'result.cube-hash-mismatch',
            `${message}; a new result must record the hashes of the registered cube (re-run it with gitperf)`,
            recorded === undefined
              ? at([...cubesPath, i, 'hashes'], 'key')
              : at([...cubesPath, i, 'hashes', key]),
          ),
        );
      }
    }
    for (const role of ROLES) {
      if (seen.has(role)) continue;
      out.push(
        error(
          'result.cube-missing',
          `spec.execution.cubes does not record the ${role} (${expected[role].ref}); a result records the preparator, the model and the metrics cube that produced it`,
          at(cubesPath, 'key'),
        ),
      );
    }
  }
  const uid = support.datasetUid(spec.dataset);
  const recordedUid = spec.execution.dataset.generatedUid;
  if (mode.atMerge && uid !== undefined && uid !== recordedUid) {
    out.push(
      error(
        'result.dataset-mismatch',
        `the prepared data recorded (generatedUid ${recordedUid}) is not dataset "${spec.dataset}"'s (${uid}); a result must come from a run on its own dataset`,
        at(['spec', 'execution', 'dataset', 'generatedUid']),
      ),
    );
  }
  return out;
}

// Parsing a runner's keys once per key list (a registry has a few runners and many results).
const signerCache = new WeakMap<readonly RunnerKeyData[], AllowedSignerLine[]>();

function signersOf(runnerRef: string, keys: readonly RunnerKeyData[], cache: boolean): AllowedSignerLine[] {
  const hit = cache ? signerCache.get(keys) : undefined;
  if (hit) return hit;
  const lines = allowedSignerLines(runnerSigners(runnerRef, keys));
  if (cache) signerCache.set(keys, lines);
  return lines;
}

/**
 * A result's signature to verify: the job for the verifier (trust/result-verifier.ts), the runner's
 * allowed signers, and how a failed verdict is reported (at `spec.signature`, found only then).
 */
export interface PendingSignature {
  job: ResultSignatureJob;
  signers: readonly AllowedSignerLine[];
  report: (verdict: ResultSignatureVerdict) => Diagnostic[];
}

/** Verifies a result's signature where it is checked (the default), or hands it to a verifier. */
export type SignatureSink = (pending: PendingSignature) => void;

function checkSignature(
  loaded: LoadedEntity<'Result'>,
  support: SupportFacts,
  mode: ProvenanceMode,
  sink: SignatureSink | undefined,
): Diagnostic[] {
  const prepared = prepareSignature(loaded, support, mode);
  if (!('job' in prepared)) return prepared.diagnostics;
  if (sink) {
    sink(prepared);
    return [];
  }
  const verdict = verifyResultSignature({
    result: prepared.job.result,
    signers: prepared.signers,
    what: prepared.job.what,
  });
  return prepared.report(verdict);
}

/** What verifying a result's signature takes, or the verdict already when no key can be tried. */
function prepareSignature(
  loaded: LoadedEntity<'Result'>,
  support: SupportFacts,
  mode: ProvenanceMode,
): PendingSignature | { diagnostics: Diagnostic[] } {
  const spec = loaded.entity.spec;
  if (spec.signature === undefined) return { diagnostics: [] }; // unsigned: allowed, shown as such
  const runnerRef = spec.execution.runnerRef;
  // The position only when reporting: finding it parses the file again with the full YAML parser.
  const invalid = (message: string) => [
    error('result.signature-invalid', message, {
      file: loaded.file,
      ...loaded.position(['spec', 'signature'], 'value'),
    }),
  ];
  if (!runnerRef) {
    return {
      diagnostics: invalid(
        'the result is signed but names no runner (spec.execution.runnerRef), so no key can vouch for it; add the runner or remove the signature',
      ),
    };
  }
  const allKeys = support.runnerKeys(runnerRef);
  if (allKeys === undefined) return { diagnostics: [] }; // an unknown runner is the reference layer's error
  const keys = mode.atMerge ? keysNotRevokedAt(allKeys, mode.now ?? new Date()) : allKeys;
  if (keys.length === 0) {
    return {
      diagnostics: invalid(
        `runner "${runnerRef}" has no ${allKeys.length > 0 ? 'unrevoked ' : ''}signing key (spec.keys of ${entityPath('Runner', runnerRef)}), so the signature cannot be checked`,
      ),
    };
  }
  let signers: AllowedSignerLine[];
  try {
    signers = signersOf(runnerRef, keys, keys === allKeys);
  } catch (problem) {
    if (!(problem instanceof GitperfError)) throw problem;
    return {
      diagnostics: invalid(`runner "${runnerRef}"'s keys cannot be read: ${problem.diagnostic.message}`),
    };
  }
  return {
    // The key list differs at merge (revoked keys left out), so it has its own key in a batch's table.
    job: {
      result: loaded.entity,
      signersKey: `${runnerRef}${keys === allKeys ? '' : '\0unrevoked'}`,
      what: 'the result',
    },
    signers,
    report: (verdict) =>
      verdict.ok ? [] : invalid(`${verdict.diagnostic.message} (${verdict.diagnostic.code})`),
  };
}

/** A runner's keys are well-formed public keys with sensible validity (checked in the Runner's own file). */
export function checkRunnerKeys(loaded: LoadedEntity): Diagnostic[] {
  if (loaded.kind !== 'Runner') return [];
  const runner = loaded as LoadedEntity<'Runner'>;
  const out: Diagnostic[] = [];
  const check = (publicKey: string, path: (string | number)[]) => {
    const problem = keyLineProblem(runner.ref, publicKey);
    if (problem === undefined) return;
    out.push(error('runner.public-key', problem, { file: loaded.file, ...loaded.position(path, 'value') }));
  };
  const spec = runner.entity.spec;
  if (spec.publicKey !== undefined) check(spec.publicKey, ['spec', 'publicKey']);
  for (const [i, key] of (spec.keys ?? []).entries()) {
    check(key.publicKey, ['spec', 'keys', i, 'publicKey']);
    if (key.validBefore !== undefined && Date.parse(key.validBefore) < Date.parse(key.validAfter)) {
      out.push(
        error(
          'runner.key-validity',
          `validBefore ${key.validBefore} is earlier than validAfter ${key.validAfter}`,
          {
            file: loaded.file,
            ...loaded.position(['spec', 'keys', i, 'validBefore'], 'value'),
          },
        ),
      );
    }
  }
  if (
    spec.publicKey !== undefined &&
    spec.keys &&
    !spec.keys.some((k) => samePublicKey(k.publicKey, spec.publicKey ?? ''))
  ) {
    out.push(
      error(
        'runner.public-key',
        'spec.publicKey (the current key) must also be listed in spec.keys, with its validity',
        {
          file: loaded.file,
          ...loaded.position(['spec', 'publicKey'], 'value'),
        },
      ),
    );
  }
  return out;
}

// A Runner lists its current key twice (spec.publicKey and in spec.keys): each line is parsed once.
const keyLineProblems = new Map<string, string | undefined>();

/** Why `publicKey` cannot be an allowed signer of runner `runnerRef`, or undefined when it can. */
function keyLineProblem(runnerRef: string, publicKey: string): string | undefined {
  const id = `${runnerRef}\0${publicKey}`;
  if (keyLineProblems.has(id)) return keyLineProblems.get(id);
  let problem: string | undefined;
  try {
    allowedSignerLines(runnerSigners(runnerRef, [{ publicKey }]));
  } catch (thrown) {
    if (!(thrown instanceof GitperfError)) throw thrown;
    problem = thrown.diagnostic.message;
  }
  if (keyLineProblems.size >= 4096) keyLineProblems.clear();
  keyLineProblems.set(id, problem);
  return problem;
}

/** Two key lines name the same key (comments aside). */
function samePublicKey(a: string, b: string): boolean {
  const strip = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ');
  return strip(a) === strip(b);
}

/** Every runner key of the registry as allowed signers (what `gitperf result verify` writes to a file). */
export function registrySigners(index: RegistryIndex): AllowedSigner[] {
  return index.list('Runner').flatMap((r) => runnerSigners(r.ref, runnerKeys(r.entity.spec)));
}

export interface ResultVerdict {
  file: string;
  result: string;
  /** `signed`: verified; `unsigned`: no signature (allowed); `invalid`: the signature does not verify. */
  status: 'signed' | 'unsigned' | 'invalid';
  runner?: string;
  /** Key fingerprint (SHA256:...) of a verified signature. */
  fingerprint?: string;
  diagnostic?: Diagnostic;
}

/**
 * Verifies every result's signature against the runners' keys valid at its `finishedAt` (the rule the
 * validator applies to a merged result), with the same allowed-signers lines a person gives ssh-keygen.
 */
export function verifyRegistryResults(
  index: RegistryIndex,
  signers: readonly AllowedSignerLine[],
): ResultVerdict[] {
  const out: ResultVerdict[] = [];
  for (const result of index.list('Result')) {
    const spec = result.entity.spec;
    const base = {
      file: result.file,
      result: result.ref,
      ...(spec.execution.runnerRef ? { runner: spec.execution.runnerRef } : {}),
    };
    if (spec.signature === undefined) {
      out.push({ ...base, status: 'unsigned' });
      continue;
    }
    const verdict = verifyResultSignature({ result: result.entity, signers, what: `result ${result.ref}` });
    out.push(
      verdict.ok
        ? { ...base, status: 'signed', fingerprint: verdict.fingerprint }
        : { ...base, status: 'invalid', diagnostic: { ...verdict.diagnostic, file: result.file } },
    );
  }
  return out;
}

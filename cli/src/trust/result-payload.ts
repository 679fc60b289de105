/**
 * The canonical payload of a Result: the bytes a runner signs and `ssh-keygen -Y verify` checks. It is the
 * RFC 8785 (JCS) serialisation, UTF-8, no trailing newline, of a fixed projection of the entity (README.md,
 * "The signed payload", is the specification; this file implements it and nothing else).
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { CubeHashes, Result } from '../registry/types.generated.js';
import { canonicalJsonBytes, type JsonValue } from './canonical-json.js';
import { type Measurements, measurementsDigest } from './measurements.js';

export const RESULT_PAYLOAD_FORMAT = 'gitperf-result/1';

/**
 * A Result as signing sees it. `spec.sufficientStatistics` (issue 10) and `spec.encrypted.measurementsSha256`
 * (the digest an encrypted result keeps in the clear) are read when present although the schema does not
 * have them yet.
 */
export type SignableResult = Pick<Result, 'metadata'> & {
  spec: Omit<Result['spec'], 'encrypted'> & {
    sufficientStatistics?: JsonValue;
    encrypted?: NonNullable<Result['spec']['encrypted']> & { measurementsSha256?: string };
  };
};

const CUBE_HASH_FIELDS: readonly (keyof CubeHashes)[] = [
  'manifest',
  'parameters',
  'additionalFiles',
  'image',
  'imageTarball',
];

/** The measurements of a plain (unencrypted) result, as they are signed. */
export function plainMeasurements(result: SignableResult): Measurements | undefined {
  const { metrics, sufficientStatistics } = result.spec;
  if (!metrics) return undefined;
  return sufficientStatistics === undefined ? { metrics } : { metrics, sufficientStatistics };
}

/**
 * The digest the payload carries: given (from decrypted measurements), else the encrypted envelope's, else
 * computed from the plain metrics.
 */
export function payloadMeasurementsDigest(result: SignableResult, given?: string): string {
  const digest =
    given ??
    result.spec.encrypted?.measurementsSha256 ??
    (() => {
      const plain = plainMeasurements(result);
      return plain ? measurementsDigest(plain) : undefined;
    })();
  if (!digest || !/^[0-9a-f]{64}$/.test(digest)) {
    fail(
      'trust.payload-measurements',
      'The result has neither metrics nor the SHA-256 digest of its encrypted measurements, so its signed payload cannot be built.',
    );
  }
  return digest;
}

/** The projection (a JSON value) before serialisation; exported for the README's example and for tests. */
export function resultPayloadJson(result: SignableResult, measurementsSha256?: string): JsonValue {
  const { spec } = result;
  const execution = spec.execution;
  const executionJson: { [name: string]: JsonValue } = {
    runner: execution.runner,
    startedAt: execution.startedAt,
    finishedAt: execution.finishedAt,
    gitperfVersion: execution.gitperfVersion,
    cubes: execution.cubes.map((cube) => {
      const hashes: { [name: string]: JsonValue } = {};
      for (const field of CUBE_HASH_FIELDS) {
        const value = cube.hashes[field];
        if (value !== undefined) hashes[field] = value;
      }
      return { role: cube.role, ref: cube.ref, hashes };
    }),
    dataset: { generatedUid: execution.dataset.generatedUid },
  };
  if (execution.runnerRef !== undefined) executionJson.runnerRef = execution.runnerRef;
  return {
    format: RESULT_PAYLOAD_FORMAT,
    benchmark: spec.benchmark,
    model: spec.model,
    dataset: spec.dataset,
    dataOwner: result.metadata.owner,
    partial: spec.partial,
    measurementsSha256: payloadMeasurementsDigest(result, measurementsSha256),
    execution: executionJson,
  };
}

/** The bytes that are signed. */
export function resultPayload(result: SignableResult, measurementsSha256?: string): Buffer {
  return canonicalJsonBytes(resultPayloadJson(result, measurementsSha256));
}

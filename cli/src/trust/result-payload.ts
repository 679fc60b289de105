/**
 * The canonical payload of a Result: the bytes a runner signs and `ssh-keygen -Y verify` checks. It is the
 * RFC 8785 (JCS) serialisation, UTF-8, no trailing newline, of a fixed projection of the entity (README.md,
 * "The signed payload", is the specification; this file implements it and nothing else).
 */
import { fail } from '../diagnostics/diagnostic.js';
import { canonicalJsonBytes, type JsonValue } from './canonical-json.js';
import { type Measurements, type Metrics, measurementsDigest } from './measurements.js';

export const RESULT_PAYLOAD_FORMAT = 'gitperf-result/1';

/**
 * A Result as signing sees it: the fields the payload projects, stated structurally so that trust sits below
 * the registry (the registry's validator verifies signatures); the generated `Result` type fits it.
 * `spec.sufficientStatistics` and `spec.encrypted.measurementsSha256` (the digest an encrypted result keeps in
 * the clear) are read when present.
 */
export interface SignableResult {
  metadata: { owner: string };
  spec: {
    benchmark: string;
    model: string;
    dataset: string;
    partial: boolean;
    metrics?: Metrics;
    /** Plain JSON data (issue 10's counts; schema-checked by the registry). */
    sufficientStatistics?: object;
    encrypted?: { measurementsSha256?: string; [other: string]: unknown };
    signature?: string;
    execution: {
      runner: string;
      runnerRef?: string;
      startedAt: string;
      finishedAt: string;
      gitperfVersion: string;
      cubes: readonly {
        role: string;
        ref: string;
        hashes: Partial<Record<CubeHashField | 'code', string>>;
      }[];
      dataset: { generatedUid: string };
    };
  };
}

type CubeHashField = 'manifest' | 'parameters' | 'additionalFiles' | 'image' | 'imageTarball';

const CUBE_HASH_FIELDS: readonly CubeHashField[] = [
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
  // Parsed YAML/JSON data, so a JSON value (the interface type has no index signature to say so).
  return sufficientStatistics === undefined
    ? { metrics }
    : { metrics, sufficientStatistics: sufficientStatistics as JsonValue };
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

/**
 * Only what signing and verifying read (the payload's sources and `spec.signature`): what a verifier thread
 * is sent, without the description, the labels or an encrypted result's ciphertext and recipients.
 */
export function signedFields(result: SignableResult): SignableResult {
  const { spec } = result;
  return {
    metadata: { owner: result.metadata.owner },
    spec: {
      benchmark: spec.benchmark,
      model: spec.model,
      dataset: spec.dataset,
      partial: spec.partial,
      ...(spec.metrics === undefined ? {} : { metrics: spec.metrics }),
      ...(spec.sufficientStatistics === undefined ? {} : { sufficientStatistics: spec.sufficientStatistics }),
      ...(spec.encrypted?.measurementsSha256 === undefined
        ? {}
        : { encrypted: { measurementsSha256: spec.encrypted.measurementsSha256 } }),
      ...(spec.signature === undefined ? {} : { signature: spec.signature }),
      execution: spec.execution,
    },
  };
}

/** The bytes that are signed. */
export function resultPayload(result: SignableResult, measurementsSha256?: string): Buffer {
  return canonicalJsonBytes(resultPayloadJson(result, measurementsSha256));
}

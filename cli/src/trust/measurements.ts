/**
 * A result's measurements: its metrics and, when the metrics cube emits them, its sufficient statistics. They
 * are what encryption hides, so the signature covers them through a digest the public envelope can carry:
 *
 *   measurements JSON = { "metrics": {name: number | "NaN"}, "sufficientStatistics"?: <JSON>, "nonce"?: <64 hex> }
 *   measurements digest = lowercase hex SHA-256 of its JCS (RFC 8785) UTF-8 bytes
 *
 * `nonce` (32 random bytes) is added when the measurements are encrypted, so that the public digest of a few
 * small numbers cannot be found by trying every plausible value; plain results have none (their numbers are
 * public anyway).
 */
import { createHash, randomBytes } from 'node:crypto';
import { fail } from '../diagnostics/diagnostic.js';
import { canonicalJsonBytes, type JsonValue } from './canonical-json.js';

/** Metric name → number (NaN allowed): the registry's `Metrics`, stated here so trust sits below the registry. */
export type Metrics = Record<string, number>;

export interface Measurements {
  metrics: Metrics;
  /** Issue 10's per-site counts; carried opaque here (the schema bounds them). */
  sufficientStatistics?: JsonValue;
  /** 64 hex characters; present in encrypted measurements. */
  nonce?: string;
}

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const NONCE = /^[0-9a-f]{64}$/;

/** JSON has no NaN: a metric that could not be computed is the string "NaN". */
export function measurementsJson(measurements: Measurements): JsonValue {
  const metrics: { [name: string]: JsonValue } = {};
  for (const [name, value] of Object.entries(measurements.metrics)) {
    metrics[name] = Number.isNaN(value) ? 'NaN' : value;
  }
  const json: { [name: string]: JsonValue } = { metrics };
  if (measurements.sufficientStatistics !== undefined)
    json.sufficientStatistics = measurements.sufficientStatistics;
  if (measurements.nonce !== undefined) json.nonce = measurements.nonce;
  return json;
}

export function measurementsBytes(measurements: Measurements): Buffer {
  return canonicalJsonBytes(measurementsJson(measurements));
}

export function measurementsDigest(measurements: Measurements): string {
  return createHash('sha256').update(measurementsBytes(measurements)).digest('hex');
}

/** The same measurements with a fresh nonce (for encryption). */
export function withNonce(measurements: Measurements): Measurements {
  return { ...measurements, nonce: randomBytes(32).toString('hex') };
}

/**
 * Parses measurements JSON (decrypted bytes); `what` names the source. Refuses anything but the three fields,
 * metric names outside the registry's pattern, and values other than finite numbers or "NaN".
 */
export function parseMeasurements(bytes: Uint8Array, what = 'the measurements'): Measurements {
  const bad: (message: string) => never = (message) =>
    fail('trust.measurements-malformed', `${what}: ${message}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return bad('not UTF-8 JSON.');
  }
  if (!isObject(parsed)) return bad('not a JSON object.');
  for (const key of Object.keys(parsed)) {
    if (!['metrics', 'sufficientStatistics', 'nonce'].includes(key)) bad(`unexpected field "${key}".`);
  }
  if (!isObject(parsed.metrics)) return bad('"metrics" is missing or not an object.');
  const metrics: Metrics = {};
  for (const [name, value] of Object.entries(parsed.metrics)) {
    if (!METRIC_NAME.test(name)) bad(`metric name "${name.slice(0, 70)}" is not a valid metric name.`);
    if (value === 'NaN') metrics[name] = Number.NaN;
    else if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
    else bad(`metric "${name}" is not a number.`);
  }
  const measurements: Measurements = { metrics };
  if (parsed.sufficientStatistics !== undefined) {
    measurements.sufficientStatistics = parsed.sufficientStatistics as JsonValue;
  }
  if (parsed.nonce !== undefined) {
    if (typeof parsed.nonce !== 'string' || !NONCE.test(parsed.nonce))
      bad('"nonce" is not 64 hex characters.');
    measurements.nonce = parsed.nonce as string;
  }
  return measurements;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How a result's recorded execution compares with the registry's current cubes and data: the one place that
 * says what "current" means. The plan (cli/src/plan/jobs.ts) calls a result with differences `stale` and
 * re-runs it; the validator (result-provenance.ts) refuses a result submitted with differences, since at
 * merge time the hashes it records must be the registry's.
 */
import { registeredHashes } from './registered-hashes.js';
import type { CubeRole, MLCube } from './types.generated.js';

/** One cube as a result records it (`spec.execution.cubes[]`). */
export interface RecordedCube {
  role: CubeRole | string;
  ref: string;
  hashes: Partial<Record<string, string>>;
}

/** What a Result records about how it was produced. */
export interface RecordedExecution {
  cubes: RecordedCube[];
  generatedUid: string;
}

/** A cube a current result must record: its role, ref and the hashes a run of it records. */
export interface ExpectedCube {
  role: CubeRole;
  ref: string;
  hashes: Record<string, string>;
  /** Number of keys in `hashes`. */
  count: number;
}

/** The hashes a run of a registered MLCube records (cube/registered-hashes.ts), as a plain record. */
export function currentHashes(spec: MLCube['spec']): Record<string, string> {
  return { ...registeredHashes(spec) } as Record<string, string>;
}

export function expectedCube(role: CubeRole, ref: string, hashes: Record<string, string>): ExpectedCube {
  return { role, ref, hashes, count: Object.keys(hashes).length };
}

/** Hash names whose recorded value differs from the current one (missing on either side counts). */
export function hashDifferences(recordedHashes: object, current: Record<string, string>): string[] {
  // A CubeHashes (an interface, so without an index signature) or a scanned record: both string-valued.
  const recorded = recordedHashes as Partial<Record<string, string>>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(current), ...Object.keys(recorded)]))
    if (current[key] !== recorded[key]) out.push(key);
  return out;
}

/** What differs between a recorded execution and the current cubes and data; empty when it is current. */
export function staleFields(
  recorded: RecordedExecution,
  cubes: ExpectedCube[],
  generatedUid: string,
): string[] {
  if (isCurrent(recorded, cubes, generatedUid)) return [];
  const changed: string[] = [];
  for (const want of cubes) {
    const got = recorded.cubes.find((c) => c.role === want.role);
    if (!got) {
      changed.push(`${want.role} not recorded`);
      continue;
    }
    if (got.ref !== want.ref) {
      changed.push(`${want.role} ${got.ref} → ${want.ref}`);
      continue;
    }
    for (const key of hashDifferences(got.hashes, want.hashes)) changed.push(`${want.role} ${key}`);
  }
  if (recorded.generatedUid !== generatedUid) changed.push('dataset generatedUid');
  return changed;
}

/** The common case without allocating: every recorded field equals the current one. */
function isCurrent(recorded: RecordedExecution, cubes: ExpectedCube[], generatedUid: string): boolean {
  if (recorded.generatedUid !== generatedUid || recorded.cubes.length < cubes.length) return false;
  for (const want of cubes) {
    const got = recorded.cubes.find((c) => c.role === want.role);
    if (!got || got.ref !== want.ref) return false;
    let count = 0;
    for (const key in got.hashes) {
      if (want.hashes[key] !== got.hashes[key]) return false;
      count++;
    }
    if (count !== want.count) return false;
  }
  return true;
}

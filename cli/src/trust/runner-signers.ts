/**
 * A runner's keys as allowed signers: one line per key, principal the runner's `owner/name`, namespace
 * `gitperf-result`, its validity from the Runner entity's `spec.keys[]` (a bare `spec.publicKey` is valid at
 * any time). The validator and `gitperf result verify` both read keys through here, so the file a person
 * gives to `ssh-keygen -Y verify` says exactly what the validator checked.
 */
import type { AllowedSigner } from './allowed-signers.js';
import { RESULT_NAMESPACE } from './sshsig.js';

/** One key of a runner as the registry records it (times are RFC 3339 strings). */
export interface RunnerKey {
  publicKey: string;
  validAfter?: string;
  validBefore?: string;
}

export function runnerSigners(runnerRef: string, keys: readonly RunnerKey[]): AllowedSigner[] {
  return keys.map((key) => ({
    principals: [runnerRef],
    publicKey: key.publicKey,
    namespaces: [RESULT_NAMESPACE],
    ...(key.validAfter ? { validAfter: new Date(key.validAfter) } : {}),
    ...(key.validBefore ? { validBefore: new Date(key.validBefore) } : {}),
  }));
}

/** The keys not revoked by `time`: a key whose `validBefore` is earlier can no longer vouch for a new result. */
export function keysNotRevokedAt(keys: readonly RunnerKey[], time: Date): RunnerKey[] {
  return keys.filter((key) => !key.validBefore || new Date(key.validBefore).getTime() >= time.getTime());
}

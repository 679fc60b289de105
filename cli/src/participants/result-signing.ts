/**
 * A runner's signing key on the hospital machine and what it signs. `gitperf runner register` makes the key
 * pair (`$GITPERF_HOME/keys/runners/<owner>/<name>`, mode 0600; the public key goes into the Runner entity);
 * `gitperf result submit --runner` and the runner's own job (`gitperf runner start`) call `signAsRunner` so
 * the result carries `spec.signature` (SSHSIG, namespace `gitperf-result`, over the canonical payload of
 * cli/src/trust/README.md) and names the runner in `spec.execution.runnerRef`.
 */
import { existsSync } from 'node:fs';
import { fail } from '../diagnostics/diagnostic.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { splitOwnedRef } from '../registry/kinds.js';
import type { Result, Runner } from '../registry/types.generated.js';
import {
  createKeyPairFiles,
  formatPublicKey,
  keysNotRevokedAt,
  parsePublicKey,
  publicKeyFingerprint,
  readPrivateKeyFile,
  runnerSigners,
  signResult,
} from '../trust/index.js';

/** Where a runner's private key lives under `$GITPERF_HOME` (`.pub` beside it). */
export function runnerKeyFile(home: string, runnerRef: string): string {
  const parts = splitOwnedRef(runnerRef);
  if (!parts) fail('runner.ref-invalid', `"${runnerRef}" is not a runner (owner/name)`, {}, 2);
  return homeLayout(home).runnerKey(parts.owner, parts.name);
}

/** The runner's public key line: the existing key pair's, else a new one made now. */
export async function ensureRunnerKey(
  home: string,
  runnerRef: string,
): Promise<{ publicKey: string; created: boolean; file: string }> {
  const file = runnerKeyFile(home, runnerRef);
  if (existsSync(file)) {
    const key = await readPrivateKeyFile(file);
    return { publicKey: formatPublicKey(key.publicKey, runnerRef), created: false, file };
  }
  const { publicKeyLine } = await createKeyPairFiles(file, runnerRef);
  return { publicKey: publicKeyLine, created: true, file };
}

/** Whether this machine holds the runner's private key. */
export function hasRunnerKey(home: string, runnerRef: string): boolean {
  return existsSync(runnerKeyFile(home, runnerRef));
}

/**
 * Signs `result` as runner `runnerRef` with its key under `home`: sets `spec.execution.runnerRef`, then
 * `spec.signature` over the canonical payload. When the registry's Runner entity is given, the key must be
 * one of its keys that is not revoked, so a result is never signed with a key the validator will refuse.
 */
export async function signAsRunner(
  home: string,
  result: Result,
  runnerRef: string,
  runner?: Runner,
): Promise<Result> {
  const file = runnerKeyFile(home, runnerRef);
  if (!existsSync(file))
    fail(
      'result.runner-key-missing',
      `no signing key of runner ${runnerRef} on this machine (${file}); run \`gitperf runner register\` here, or submit without --runner (the result is then unsigned)`,
    );
  const key = await readPrivateKeyFile(file);
  if (runner) {
    const keys = keysNotRevokedAt(
      runner.spec.keys ?? (runner.spec.publicKey ? [{ publicKey: runner.spec.publicKey }] : []),
      new Date(),
    );
    const mine = publicKeyFingerprint(key.publicKey);
    const listed = runnerSigners(runnerRef, keys).some(
      (s) => publicKeyFingerprint(parsePublicKey(s.publicKey, `a key of runner ${runnerRef}`).key) === mine,
    );
    if (!listed)
      fail(
        'result.runner-key-unknown',
        `the key in ${file} (${mine}) is not a current key of runner ${runnerRef} in the registry; register it (spec.keys of its Runner) before signing with it`,
      );
  }
  const signed: Result = structuredClone(result);
  signed.spec.execution.runnerRef = runnerRef;
  delete signed.spec.signature;
  signed.spec.signature = signResult(signed, key);
  return signed;
}

/**
 * Signing and verifying a Result: SSHSIG (namespace `gitperf-result`) over its canonical payload, by the key
 * of the runner named in `spec.execution.runnerRef`, valid at `spec.execution.finishedAt`. Verification
 * answers with a value: ok with the signer, or a diagnostic saying which check failed.
 */
import { type Diagnostic, error, GitperfError } from '../diagnostics/diagnostic.js';
import { type AllowedSignerLine, type SignerVerdict, verifyWithAllowedSigners } from './allowed-signers.js';
import { resultPayload, type SignableResult } from './result-payload.js';
import { RESULT_NAMESPACE, signMessage } from './sshsig.js';

/** The armored signature to store in `spec.signature`. */
export function signResult(
  result: SignableResult,
  key: { seed: Uint8Array; publicKey: Uint8Array },
  measurementsSha256?: string,
): string {
  return signMessage(resultPayload(result, measurementsSha256), key, RESULT_NAMESPACE);
}

/**
 * Verifies `spec.signature` against the allowed signers (one line per runner key). An unsigned result is
 * `trust.unsigned` (the caller decides whether that is allowed). `measurementsSha256` is the digest of
 * decrypted measurements when the caller has them, so a reader checks the numbers it sees.
 */
export function verifyResultSignature(input: {
  result: SignableResult;
  signers: readonly AllowedSignerLine[];
  measurementsSha256?: string;
  what?: string;
}): SignerVerdict {
  const { result } = input;
  const what = input.what ?? 'the result';
  const signature = result.spec.signature;
  if (!signature) return refuse('trust.unsigned', `${what} is not signed.`);
  const runner = result.spec.execution.runnerRef;
  if (!runner) {
    return refuse(
      'trust.signature-no-runner',
      `${what} is signed but names no runner (spec.execution.runnerRef), so no key can vouch for it.`,
    );
  }
  const finishedAt = new Date(result.spec.execution.finishedAt);
  if (Number.isNaN(finishedAt.getTime())) {
    return refuse(
      'trust.signature-time',
      `${what} has no valid spec.execution.finishedAt to check its key against.`,
    );
  }
  let message: Buffer;
  try {
    message = resultPayload(result, input.measurementsSha256);
  } catch (problem) {
    if (problem instanceof GitperfError) return { ok: false, diagnostic: problem.diagnostic };
    throw problem;
  }
  return verifyWithAllowedSigners({
    message,
    signature,
    signers: input.signers,
    principal: runner,
    time: finishedAt,
    what: `the signature of ${what}`,
  });
}

function refuse(code: string, message: string): { ok: false; diagnostic: Diagnostic } {
  return { ok: false, diagnostic: error(code, message) };
}

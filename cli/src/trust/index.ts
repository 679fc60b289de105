/** The public API of cli/src/trust (see README.md). */

export { decryptArmored, encryptArmored } from './age-armor.js';
export {
  AGE_RECIPIENT_PATTERN,
  ageRecipientOf,
  checkAgeRecipient,
  ensureAgeIdentityFile,
  isAgeRecipient,
  parseIdentityFile,
  readIdentityFile,
} from './age-keys.js';
export {
  type AllowedSigner,
  type AllowedSignerLine,
  allowedSignerLines,
  formatAllowedSigners,
  parseAllowedSigners,
  type SignerVerdict,
  verifyWithAllowedSigners,
} from './allowed-signers.js';
export { canonicalJson, canonicalJsonBytes, type JsonValue } from './canonical-json.js';
export { type Ed25519KeyPair, generateEd25519KeyPair } from './ed25519.js';
export {
  decryptMeasurements,
  type EncryptedMeasurements,
  encryptMeasurements,
} from './encrypted-measurements.js';
export {
  MERGE_NAMESPACE,
  type MergeRecord,
  mergeRecordBytes,
  REVIEW_NAMESPACE,
  type RecordVerdict,
  type ReviewRecord,
  reviewRecordBytes,
  signMergeRecord,
  signReviewRecord,
  verifyRecordSignature,
} from './forge-records.js';
export { createKeyPairFiles, ensureKeyPairFile, readPrivateKeyFile, writeKeyPairFiles } from './key-files.js';
export {
  type Measurements,
  measurementsDigest,
  measurementsJson,
  parseMeasurements,
  withNonce,
} from './measurements.js';
export { formatPrivateKey, parsePrivateKey } from './openssh-private-key.js';
export {
  plainMeasurements,
  RESULT_PAYLOAD_FORMAT,
  resultPayload,
  resultPayloadJson,
  type SignableResult,
} from './result-payload.js';
export { signResult, verifyResultSignature } from './result-signature.js';
export {
  type ResultSignatureJob,
  type ResultSignatureVerdict,
  ResultSignatureVerifier,
  resultVerifierWorkersAvailable,
} from './result-verifier.js';
export { keysNotRevokedAt, type RunnerKey, runnerSigners } from './runner-signers.js';
export { formatPublicKey, parsePublicKey, publicKeyFingerprint } from './ssh-public-key.js';
export { checkSignature, parseSignature, RESULT_NAMESPACE, signMessage } from './sshsig.js';

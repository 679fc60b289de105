/** The participants' procedures: what each role does to submit to a registry. Commands call these. */

export {
  AGE_IDENTITY_ENV,
  ensureMemberAgeIdentity,
  localMemberAgeRecipients,
  type ReaderIdentities,
  readerIdentities,
} from './age-identity.js';
export { type PriorityInput, type PriorityOutcome, setAssociationPriority } from './association-priority.js';
export {
  type AssociationRequestInput,
  type AssociationRequestOutcome,
  requestAssociation,
} from './association-request.js';
export {
  type BenchmarkSubmitInput,
  type BenchmarkSubmitOutcome,
  type Sharing,
  submitBenchmark,
} from './benchmark-submit.js';
export { type Consent, givenConsent, requireConsent, terminalConsent } from './consent.js';
export { me, type Participant, prepare, type ReadyParticipant } from './context.js';
export {
  type DatasetRegisterInput,
  type DatasetRegisterOutcome,
  registerDataset,
} from './dataset-register.js';
export {
  githubRunnerName,
  githubRunnerSteps,
  jitRunner,
  jitRunnerSteps,
  repositoryUrl,
} from './github-runner.js';
export {
  checkSchema,
  type MlcubeSubmitInput,
  type MlcubeSubmitOutcome,
  parseImage,
  submitMlcube,
} from './mlcube-submit.js';
export { type ResolvedResource, resolveResource } from './resources.js';
export { type ReencryptInput, type ReencryptOutcome, reencryptResults } from './result-reencrypt.js';
export { ensureRunnerKey, hasRunnerKey, runnerKeyFile, signAsRunner } from './result-signing.js';
export {
  type ConsentPart,
  metricsBlock,
  type ResultSubmitInput,
  type ResultSubmitOutcome,
  resultConsentText,
  type SealedPart,
  submitResults,
} from './result-submit.js';
export {
  type RunnerRegisterInput,
  type RunnerRegisterOutcome,
  registerRunner,
  runnerEntity,
} from './runner-register.js';
export { type RunnerResultOutcome, submitRunnerResults } from './runner-results.js';
export { type RegistrySnapshot, registrySnapshot } from './snapshot.js';
export {
  describeCompatibilityTest,
  describeOutcome,
  entityFile,
  outcomeOf,
  type SubmitOutcome,
  submit,
} from './submit.js';
export { addUsers, localMemberKey, type UserAddInput, type UserAddOutcome } from './user-add.js';
export { type AgeKeyOutcome, publishAgeKey } from './user-age-key.js';

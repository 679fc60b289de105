/** Submissions: open from entity files, list and show with the policy's decision, review, merge, close. */
export {
  type BotAction,
  type BotPass,
  botPass,
  type RunBotOptions,
  renderBotAction,
  runBot,
} from './bot.js';
export { closeSubmission } from './close.js';
export {
  actionsContext,
  githubContext,
  localContext,
  openLocalContext,
  type PolicyRefs,
  type SubmissionContext,
  submissionContext,
} from './context.js';
export { bodyFor, describePath, titleFor } from './describe.js';
export {
  type EvaluatedSubmission,
  evaluateSubmission,
  type ListFilter,
  listEvaluated,
  nextStep,
  type Viewer,
  viewerOf,
  waitingFor,
} from './evaluate.js';
export { checkoutRoot, readSubmissionFiles } from './files.js';
export {
  approvedByTrailers,
  conflictingSubmission,
  conflictNote,
  type MergeAttempt,
  type MergeOutcome,
  mergeIfPassing,
  mergeSubmission,
} from './merge.js';
export { forecast, type OpenEntitiesInput, type OpenedSubmission, openEntitySubmission } from './open.js';
export { OverlayView } from './overlay-view.js';
export {
  POLICY_STATUS_CONTEXT,
  type PolicyStatusOutcome,
  type PolicyStatusResult,
  postPolicyStatus,
} from './policy-status.js';
export { type ReviewOutcome, reviewSubmission } from './review.js';
export { updateSubmission } from './update.js';

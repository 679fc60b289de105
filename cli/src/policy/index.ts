/** The policy engine's public surface. See README.md. */

export { codeownersInputFrom } from './codeowners/from-registry.js';
export {
  CODEOWNERS_PATH,
  type CodeownersInput,
  GITHUB_CODEOWNERS_LIMIT,
  generateCodeowners,
} from './codeowners/generate.js';
export { ownersOf, parseCodeowners } from './codeowners/match.js';
export {
  addValidation,
  type EvaluatedDecision,
  type EvaluatePolicyInput,
  evaluatePolicy,
} from './evaluate.js';
export { changedFields } from './field-diff.js';
export { GitFileSource } from './git-file-source.js';
export { changedPaths, listTree, readBlobs, resolveCommit, resolveCommits } from './git-tree.js';
export { reduceReviews, signedReviews, type Verdicts } from './reviews.js';
export { decide, diffViews, formatWho } from './rules/index.js';
export { registeredSshKeys } from './rules/merged-registry.js';
export { renderDecisionText, renderSummaryMarkdown } from './summary.js';
export type {
  Change,
  Decision,
  GivenApproval,
  PolicyInput,
  PolicyStatus,
  Requirement,
  Review,
} from './types.js';
export {
  FolderView,
  GitView,
  MemoryView,
  type PolicyEntity,
  parseEntity,
  type RegistryView,
} from './view.js';

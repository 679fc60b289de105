/**
 * The policy over a git repository: resolve the refs, read both states lazily from git objects (no
 * checkout), diff the pull request the way GitHub does (from the merge base), validate the changed
 * files with the registry's validator (schema, layout, references), and decide.
 */
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { FileSource } from '../registry/file-source.js';
import { registryRelativePath } from '../registry/layout.js';
import { validateRegistry } from '../registry/validate.js';
import { GitFileSource } from './git-file-source.js';
import { changedPaths, mergeBase, resolveCommits } from './git-tree.js';
import { checkMergedTree, type MergedTreeProblem } from './merged-tree.js';
import { decide, isStructureCode } from './rules/index.js';
import type { Decision, Review } from './types.js';
import { GitView } from './view.js';

export interface EvaluatePolicyInput {
  /** A git working tree or bare repository holding both commits. */
  repoDir: string;
  /** The base branch (its tip is the merged state the rules consult). */
  baseRef: string;
  /** The pull request's head. */
  headRef: string;
  author: string;
  reviews: readonly Review[];
  /** Run the registry validator on the changed files (default true); its errors are violations. */
  validate?: boolean;
  /**
   * Also validate the tree a merge of the head onto the base tip produces (what merging checks): when
   * the base moved since the head branched, the two together can break a rule each side keeps alone.
   */
  mergedTree?: boolean;
  /** Count only reviews signed by the reviewer's registered key (the local forge): see `PolicyInput`. */
  signedReviews?: { submission: number };
}

export interface EvaluatedDecision extends Decision {
  baseSha: string;
  mergeBaseSha: string;
  /** With `mergedTree`: the base commit the head no longer merges validly onto, when it was found. */
  conflictsWith?: MergedTreeProblem['conflictsWith'];
}

export async function evaluatePolicy(input: EvaluatePolicyInput): Promise<EvaluatedDecision> {
  const [baseSha, headSha] = resolveCommits(input.repoDir, [input.baseRef, input.headRef]);
  const mb = mergeBase(input.repoDir, baseSha, headSha);
  const base = new GitView(input.repoDir, baseSha);
  const changes = changedPaths(input.repoDir, mb, headSha);
  const before = mb === baseSha ? base : new GitView(input.repoDir, mb);
  // The head's listing is the merge base's plus the diff (no second ls-tree of a large tree).
  const head = headSha === baseSha ? base : new GitView(input.repoDir, headSha, { view: before, changes });
  const decision = decide({
    base,
    head,
    before,
    changes,
    author: input.author,
    reviews: input.reviews,
    headSha,
    ...(input.signedReviews ? { signedReviews: input.signedReviews } : {}),
  });

  if (input.validate !== false) await addValidation(decision, new GitFileSource(head), changes);
  // A failing head fails anyway; the merged tree is checked only for what could otherwise merge.
  if (input.mergedTree && decision.status !== 'fail') {
    const baseName = input.baseRef.replace(/^.*\bheads\//, '');
    const problem = await checkMergedTree(input.repoDir, baseName, baseSha, headSha, mb);
    if (problem) {
      decision.violations = sortDiagnostics([...decision.violations, ...problem.violations]);
      decision.status = 'fail';
      return {
        ...decision,
        baseSha,
        mergeBaseSha: mb,
        ...(problem.conflictsWith ? { conflictsWith: problem.conflictsWith } : {}),
      };
    }
  }
  return { ...decision, baseSha, mergeBaseSha: mb };
}

/**
 * Runs the registry validator on the changed files under `registry/` of `head` and makes its errors
 * violations of `decision` (which then fails). Shared with the forecast made before a submission is
 * opened, so both say the same about a file that breaks the schema.
 */
export async function addValidation(
  decision: Decision,
  head: FileSource,
  changes: ReadonlyArray<{ path: string }>,
): Promise<void> {
  const changedInRegistry = changes
    .map((change) => registryRelativePath(change.path))
    .filter((relative): relative is string => relative !== undefined);
  if (changedInRegistry.length === 0) return;
  const report = await validateRegistry(head, { changed: changedInRegistry });
  const errors = report.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length === 0) return;
  // Structure is the validator's: its findings supersede the policy's own YAML and schema reading of the
  // same file, so each problem is reported once.
  const validatedFiles = new Set(errors.map((diagnostic) => diagnostic.file));
  const policyOwn = decision.violations.filter(
    (violation) => !(isStructureCode(violation.code) && validatedFiles.has(violation.file)),
  );
  decision.violations = sortDiagnostics([...policyOwn, ...errors]);
  decision.status = 'fail';
}

/**
 * The registry a merge would produce. A pull request is validated on its own head, which holds the
 * base as it was when it branched; when the base has moved since (other submissions merged), the
 * merged tree can be invalid although each side is valid alone (a result naming a runner that the other
 * side stopped serving, say). This checks the tree `git merge-tree` writes for base tip + head with the
 * registry's validator, and when it is invalid names the first commit on the base's first-parent line
 * that made it so (a merge commit: the submission that conflicts).
 */
import { type Diagnostic, error, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { registryRelativePath } from '../registry/layout.js';
import { validateRegistry } from '../registry/validate.js';
import { GitFileSource } from './git-file-source.js';
import { changedPaths, commitSubject, firstParentCommits, mergeBase, mergeTree } from './git-tree.js';
import { GitView } from './view.js';

export interface MergedTreeProblem {
  /** `policy.merged-invalid` (one per validator error of the merged tree) or `policy.merge-conflict`. */
  violations: Diagnostic[];
  /** The commit on the base that the head no longer merges validly onto, when it was found. */
  conflictsWith?: { sha: string; subject: string };
}

interface Outcome {
  /** Undefined when git cannot merge the two (a conflict in the same file). */
  tree?: string;
  /** Validator errors of the merged tree, keyed by `errorKey`. */
  errors: Map<string, Diagnostic>;
}

/** The location of a diagnostic, without keys for what it does not know. */
function at(diagnostic: Diagnostic): Pick<Diagnostic, 'file' | 'line' | 'column'> {
  return {
    ...(diagnostic.file === undefined ? {} : { file: diagnostic.file }),
    ...(diagnostic.line === undefined ? {} : { line: diagnostic.line }),
    ...(diagnostic.column === undefined ? {} : { column: diagnostic.column }),
  };
}

function errorKey(diagnostic: Diagnostic): string {
  return `${diagnostic.code}\0${diagnostic.file ?? ''}\0${diagnostic.message}`;
}

/** Validator errors of the changed registry files of `tree` (a tree or commit), read over `from`. */
async function validatorErrors(
  repoDir: string,
  from: string,
  tree: string,
): Promise<Map<string, Diagnostic>> {
  const changes = changedPaths(repoDir, from, tree);
  const changed = changes
    .map((change) => registryRelativePath(change.path))
    .filter((relative): relative is string => relative !== undefined);
  const errors = new Map<string, Diagnostic>();
  if (changed.length === 0) return errors;
  const view = new GitView(repoDir, tree, { view: new GitView(repoDir, from), changes });
  const report = await validateRegistry(new GitFileSource(view), { changed });
  for (const diagnostic of report.diagnostics)
    if (diagnostic.severity === 'error') errors.set(errorKey(diagnostic), diagnostic);
  return errors;
}

/** Merges head onto `base` and validates every file either side changed since they parted. */
async function mergeOnto(repoDir: string, base: string, head: string): Promise<Outcome> {
  const tree = mergeTree(repoDir, base, head);
  if (!tree) return { errors: new Map() };
  return { tree, errors: await validatorErrors(repoDir, mergeBase(repoDir, base, head), tree) };
}

/**
 * Undefined when the merge of `headSha` onto `baseSha` is a valid registry, or when the base has not
 * moved since the head branched (the merged tree is then the head's, which the policy validates anyway).
 */
export async function checkMergedTree(
  repoDir: string,
  baseName: string,
  baseSha: string,
  headSha: string,
  mergeBaseSha: string,
): Promise<MergedTreeProblem | undefined> {
  if (mergeBaseSha === baseSha) return undefined;
  const merged = await mergeOnto(repoDir, baseSha, headSha);
  let violations: Diagnostic[];
  let broken: (outcome: Outcome) => boolean;
  if (!merged.tree) {
    violations = [
      error(
        'policy.merge-conflict',
        `it conflicts with ${baseName}: both changed the same file since it branched; submit the change again on top of ${baseName}`,
      ),
    ];
    broken = (outcome) => !outcome.tree;
  } else {
    if (merged.errors.size === 0) return undefined;
    // What the base is already guilty of alone is not the submission's doing.
    const baseAlone = await validatorErrors(repoDir, mergeBaseSha, baseSha);
    const introduced = [...merged.errors].filter(([key]) => !baseAlone.has(key));
    if (introduced.length === 0) return undefined;
    violations = introduced.map(([, diagnostic]) =>
      error(
        'policy.merged-invalid',
        `merged onto ${baseName} as it is now, the registry would be invalid: ${diagnostic.code}: ${diagnostic.message}`,
        at(diagnostic),
      ),
    );
    const keys = introduced.map(([key]) => key);
    broken = (outcome) => !outcome.tree || keys.some((key) => outcome.errors.has(key));
  }
  const culprit = await firstBreaking(repoDir, mergeBaseSha, baseSha, headSha, broken);
  const conflictsWith = culprit ? { sha: culprit, subject: commitSubject(repoDir, culprit) } : undefined;
  return { violations: sortDiagnostics(violations), ...(conflictsWith ? { conflictsWith } : {}) };
}

/**
 * The oldest commit on the base's first-parent line since the merge base onto which the head merges
 * broken. Bisected (the line's tip is known broken), so a base hundreds of merges ahead costs a handful
 * of validations, and only when a merge is refused.
 */
async function firstBreaking(
  repoDir: string,
  mergeBaseSha: string,
  baseSha: string,
  headSha: string,
  broken: (outcome: Outcome) => boolean,
): Promise<string | undefined> {
  const line = firstParentCommits(repoDir, mergeBaseSha, baseSha);
  if (line.length === 0) return undefined;
  let low = 0;
  let high = line.length - 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (broken(await mergeOnto(repoDir, line[middle], headSha))) high = middle;
    else low = middle + 1;
  }
  return line[low];
}

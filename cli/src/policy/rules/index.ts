/**
 * The decision: may this pull request merge? Pure over two registry states, the author and the reviews.
 * Every rule yields either a violation (the change is not allowed, whoever approves) or a requirement
 * (an approval from one of named people). One module per concern, composed here; the MedPerf rules
 * they encode are listed in ../README.md.
 */
import { error, sortDiagnostics } from '../../diagnostics/diagnostic.js';
import type { Kind } from '../../registry/kinds.js';
import { datasetAssociationRef, modelAssociationRef, REGISTRY_REF } from '../../registry/kinds.js';
import {
  classifyRepoPath,
  entityFolder,
  type PathInfo,
  repoEntityPath,
  repoRegistryFolder,
} from '../../registry/layout.js';
import { changedFields } from '../field-diff.js';
import type { ChangeAction } from '../git-tree.js';
import { reduceReviews, signedReviews } from '../reviews.js';
import type { Change, Decision, GivenApproval, PolicyInput, Requirement } from '../types.js';
import { GitView, type RegistryView } from '../view.js';
import { type AssociationKind, checkAssociation } from './associations.js';
import { checkBenchmark } from './benchmarks.js';
import { type Author, ChangeUnderReview, type RuleFindings } from './change-under-review.js';
import { checkFrozenFields } from './frozen-fields.js';
import { MergedRegistry } from './merged-registry.js';
import { checkOwnedEntity, type OwnedKind } from './owned-entities.js';
import { checkResult } from './results.js';
import { checkSharingPolicy } from './sharing.js';
import { readChangedEntity } from './structure.js';
import { botMayChange, checkOtherFile, checkRegistrySettings, checkUser } from './users-admin.js';
import { formatWho, lowerCase } from './wording.js';

export { isStructureCode } from './structure.js';
export { formatWho } from './wording.js';

/** Compares two states file by file (when the caller has no git diff at hand). */
export function diffViews(
  before: RegistryView,
  head: RegistryView,
): Array<{ path: string; action: ChangeAction }> {
  const beforePaths = new Set(before.list(''));
  const headPaths = new Set(head.list(''));
  const changes: Array<{ path: string; action: ChangeAction }> = [];
  for (const path of beforePaths) {
    if (!headPaths.has(path)) changes.push({ path, action: 'deleted' });
    else if (before.fingerprint(path) !== head.fingerprint(path)) changes.push({ path, action: 'modified' });
  }
  for (const path of headPaths) if (!beforePaths.has(path)) changes.push({ path, action: 'added' });
  return changes.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
}

/** Files the rules will read for these changes: the changed files and what they refer to. */
function likelyReads(
  rawChanges: ReadonlyArray<{ path: string; action: ChangeAction }>,
  before: RegistryView,
  head: RegistryView,
  base: RegistryView,
  authorLogin: string,
): Array<[RegistryView, string[]]> {
  const beforePaths: string[] = [];
  const headPaths: string[] = [];
  const mergedPaths = new Set<string>([
    repoEntityPath('Registry', REGISTRY_REF),
    repoEntityPath('User', authorLogin),
  ]);
  let needUsers = false;
  for (const change of rawChanges) {
    const info = classifyRepoPath(change.path);
    if (info.kind === 'Other') {
      needUsers = true;
      continue;
    }
    if (change.action !== 'added') beforePaths.push(change.path);
    if (change.action !== 'deleted') headPaths.push(change.path);
    if (change.action === 'deleted' || ['Registry', 'User', 'Benchmark'].includes(info.kind))
      needUsers = true;
    if (info.benchmark) mergedPaths.add(repoEntityPath('Benchmark', info.benchmark));
    if (info.kind === 'ModelAssociation' && info.model) mergedPaths.add(repoEntityPath('MLCube', info.model));
    if (info.kind === 'DatasetAssociation' && info.dataset)
      mergedPaths.add(repoEntityPath('Dataset', info.dataset));
    if (info.kind === 'Result' && info.owner) {
      for (const path of base.list(repoRegistryFolder(entityFolder({ kind: 'Runner', owner: info.owner }))))
        mergedPaths.add(path);
    }
    // What a result's rules and reference checks look up: its associations, model and dataset.
    if (info.kind === 'Result' && info.benchmark && info.model && info.dataset) {
      mergedPaths.add(repoEntityPath('ModelAssociation', modelAssociationRef(info.benchmark, info.model)));
      mergedPaths.add(
        repoEntityPath('DatasetAssociation', datasetAssociationRef(info.benchmark, info.dataset)),
      );
      mergedPaths.add(repoEntityPath('MLCube', info.model));
      mergedPaths.add(repoEntityPath('Dataset', info.dataset));
    }
  }
  if (needUsers)
    for (const path of base.list(repoRegistryFolder(entityFolder({ kind: 'User' })))) mergedPaths.add(path);
  // The validator reads the head's copies of referenced files: the same blobs when unchanged.
  return [
    [before, beforePaths],
    [head, [...headPaths, ...mergedPaths]],
    [base, [...mergedPaths]],
  ];
}

export function decide(input: PolicyInput): Decision {
  const authorLogin = lowerCase(input.author);
  const before = input.before ?? input.base;
  const rawChanges = input.changes ?? diffViews(before, input.head);
  const merged = new MergedRegistry(input.base);
  const findings: RuleFindings = { violations: [], requirements: [], announcements: [] };

  // Read, with one git process, every file the rules (and the validator after them) are likely to need.
  GitView.prefetchTogether(likelyReads(rawChanges, before, input.head, input.base, authorLogin));

  const changes: Change[] = rawChanges.map((rawChange) => {
    const kind = classifyRepoPath(rawChange.path).kind;
    const fields =
      rawChange.action === 'modified' && kind !== 'Other'
        ? changedFields(before.get(rawChange.path)?.data, input.head.get(rawChange.path)?.data)
        : [];
    return { path: rawChange.path, kind, action: rawChange.action, fields };
  });

  const author: Author = {
    login: authorLogin,
    isUser: merged.isUser(authorLogin),
    // A GitHub App acts as `<slug>[bot]` (a login no person can have); registry.yaml names the App by its slug.
    isBot: merged.bots.includes(authorLogin.replace(/\[bot\]$/, '')),
  };
  if (!author.isUser && !author.isBot && changes.length > 0) {
    findings.violations.push(
      error(
        'policy.author-unregistered',
        `@${authorLogin} is not a registered user (no ${repoEntityPath('User', authorLogin)} on the base branch) ` +
          `nor a bot listed in ${repoEntityPath('Registry', REGISTRY_REF)}; ask ${merged.adminsText} to register you first`,
      ),
    );
  } else {
    for (const change of changes) checkChange(change, { input, before, merged, author, findings });
  }
  return finish(input, authorLogin, changes, findings, merged);
}

interface DecisionState {
  input: PolicyInput;
  before: RegistryView;
  merged: MergedRegistry;
  author: Author;
  findings: RuleFindings;
}

/** Runs the rules of one changed file. */
function checkChange(change: Change, state: DecisionState): void {
  const { input, merged, author, findings } = state;
  if (!botMayChange(change, author, findings)) return;
  const info = classifyRepoPath(change.path);
  if (info.kind === 'Other') {
    checkOtherFile(change, merged, author, findings);
    return;
  }
  const review = <K extends Kind>(kind: K): ChangeUnderReview<K> | undefined => {
    const beforeDocument = change.action === 'added' ? undefined : state.before.get(change.path);
    const afterDocument = change.action === 'deleted' ? undefined : input.head.get(change.path);
    const read = readChangedEntity(kind, change, afterDocument, findings.violations);
    if (!read.readable) return undefined;
    const reviewed = new ChangeUnderReview<K>(
      { kind, change, info, merged, policyInput: input, author, beforeDocument, afterDocument, findings },
      read.entity,
    );
    checkFrozenFields(reviewed);
    return reviewed;
  };
  dispatch(info, review);
}

type ReviewOf = <K extends Kind>(kind: K) => ChangeUnderReview<K> | undefined;

/** The rule of each kind. */
function dispatch(info: PathInfo, review: ReviewOf): void {
  const run = <K extends Kind>(kind: K, rule: (reviewed: ChangeUnderReview<K>) => void) => {
    const reviewed = review(kind);
    if (reviewed) rule(reviewed);
  };
  switch (info.kind) {
    case 'Registry':
      run('Registry', checkRegistrySettings);
      break;
    case 'User':
      run('User', checkUser);
      break;
    case 'MLCube':
    case 'Dataset':
    case 'Runner':
      run<OwnedKind>(info.kind, checkOwnedEntity);
      break;
    case 'Benchmark':
      run('Benchmark', (reviewed) => {
        checkBenchmark(reviewed);
        checkSharingPolicy(reviewed);
      });
      break;
    case 'ModelAssociation':
    case 'DatasetAssociation':
      run<AssociationKind>(info.kind, checkAssociation);
      break;
    case 'Result':
      run('Result', checkResult);
      break;
  }
}

/** Turns requirements into approvals given or still missing, and the status. */
function finish(
  input: PolicyInput,
  authorLogin: string,
  changes: Change[],
  findings: RuleFindings,
  merged: MergedRegistry,
): Decision {
  const signed = input.signedReviews
    ? signedReviews(input.reviews, input.signedReviews.submission, (login) => merged.sshKeysOf(login))
    : undefined;
  const verdicts = reduceReviews(signed?.counted ?? input.reviews, input.headSha);
  const required: Requirement[] = [];
  const approved: GivenApproval[] = [];
  const violations = [...findings.violations];
  for (const { authorMayApprove, ...requirement } of findings.requirements) {
    const who = [...new Set(requirement.who.map(lowerCase))]
      .filter((login) => authorMayApprove || login !== authorLogin)
      .sort();
    if (who.length === 0) {
      violations.push(
        error(
          'policy.no-approver',
          `${requirement.why.replace(/[.;]?$/, '')}, but nobody other than the author @${authorLogin} can give that approval; ` +
            `ask ${merged.adminsText} to take it over`,
          { file: requirement.file },
        ),
      );
      continue;
    }
    const blockers = who.filter((login) => verdicts.changesRequestedBy.has(login));
    const approvers = who.filter((login) => verdicts.approvedBy.has(login));
    if (blockers.length > 0) {
      required.push({
        ...requirement,
        who,
        why: `${requirement.why} (${formatWho(blockers)} requested changes; that must be resolved by a new approving review)`,
      });
    } else if (approvers.length > 0) {
      approved.push({ ...requirement, who, by: approvers });
    } else {
      required.push({ ...requirement, who });
    }
  }
  const staleApprovals = [...verdicts.staleApprovalBy]
    .filter((login) => !verdicts.approvedBy.has(login))
    .sort();
  const status = violations.length > 0 ? 'fail' : required.length > 0 ? 'pending' : 'pass';
  return {
    status,
    author: authorLogin,
    headSha: input.headSha,
    changes,
    required,
    approved,
    violations: sortDiagnostics(violations),
    staleApprovals,
    announcements: findings.announcements,
    ...(signed ? { uncountedReviews: signed.uncounted } : {}),
  };
}

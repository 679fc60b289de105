/**
 * One changed entity file as the rules see it: what its path says (the registry layout), its typed
 * content before and after, who changes it, and where the rules put what they find (violations and
 * approval requirements).
 */
import { type Diagnostic, error } from '../../diagnostics/diagnostic.js';
import type { Entity, Kind } from '../../registry/kinds.js';
import { entityFolder, type PathInfo, repoRegistryFolder } from '../../registry/layout.js';
import type { Announcement, Change, PolicyInput, Requirement } from '../types.js';
import type { PolicyEntity } from '../view.js';
import type { MergedRegistry } from './merged-registry.js';
import { formatWho } from './wording.js';

/** What the rules found, for the whole pull request. */
export interface RuleFindings {
  violations: Diagnostic[];
  requirements: RuleRequirement[];
  /** What the submission must say to everyone (e.g. a sharing policy's from → to). */
  announcements: Announcement[];
}

/** A requirement as a rule states it, before the author is taken out of who may approve. */
export interface RuleRequirement extends Requirement {
  /**
   * The author's own approving review counts too: for consent that is the author's own decision (a data
   * owner's runner opened the submission unattended under the owner's login), not a second pair of eyes.
   */
  authorMayApprove?: boolean;
}

export interface Author {
  /** Lower-case login. */
  login: string;
  /** Has a user file on the base branch. */
  isUser: boolean;
  /** Listed in registry.yaml `spec.bots`. */
  isBot: boolean;
}

export interface ChangeUnderReviewInput<K extends Kind> {
  kind: K;
  change: Change;
  /** The layout's reading of the path (kind, ref, owner, benchmark, model, dataset). */
  info: PathInfo;
  merged: MergedRegistry;
  policyInput: PolicyInput;
  author: Author;
  /** The file at the merge base (modified or deleted files). */
  beforeDocument?: PolicyEntity;
  /** The file at the head (added or modified files). */
  afterDocument?: PolicyEntity;
  findings: RuleFindings;
}

export class ChangeUnderReview<K extends Kind = Kind> {
  readonly kind: K;
  readonly change: Change;
  readonly info: PathInfo;
  readonly merged: MergedRegistry;
  readonly policyInput: PolicyInput;
  readonly author: Author;
  readonly beforeDocument?: PolicyEntity;
  readonly afterDocument?: PolicyEntity;
  /** The head's typed content; undefined when deleted or when it does not pass its schema (reported apart). */
  readonly after?: Entity<K>;
  private readonly findings: RuleFindings;

  constructor(input: ChangeUnderReviewInput<K>, after: Entity<K> | undefined) {
    this.kind = input.kind;
    this.change = input.change;
    this.info = input.info;
    this.merged = input.merged;
    this.policyInput = input.policyInput;
    this.author = input.author;
    this.beforeDocument = input.beforeDocument;
    this.afterDocument = input.afterDocument;
    this.findings = input.findings;
    this.after = after;
  }

  get file(): string {
    return this.change.path;
  }

  get action(): Change['action'] {
    return this.change.action;
  }

  /** A violation of this file, pointing at `field` when given. */
  violate(code: string, message: string, field?: string): void {
    const line = field ? (this.afterDocument ?? this.beforeDocument)?.lineOf(field) : undefined;
    this.findings.violations.push(error(code, message, { file: this.file, ...(line ? { line } : {}) }));
  }

  need(code: string, who: string[], why: string, opts: { authorMayApprove?: boolean } = {}): void {
    this.findings.requirements.push({
      code,
      who,
      why,
      file: this.file,
      ...(opts.authorMayApprove ? { authorMayApprove: true } : {}),
    });
  }

  /** A sentence the decision carries for everyone reading the submission. */
  announce(message: string): void {
    this.findings.announcements.push({ file: this.file, message });
  }

  needAdmin(what: string): void {
    requireAdmin(this.merged, this.author.login, what, this.file, this.findings);
  }

  isAdmin(): boolean {
    return this.merged.admins.includes(this.author.login);
  }

  /** Deletion by an admin (with another admin's approval); anyone else is refused. */
  adminDelete(): void {
    if (this.isAdmin()) {
      this.needAdmin(`Deleting ${this.describe()}`);
      return;
    }
    this.violate(
      'policy.delete-admin-only',
      `only ${this.merged.adminsText} may delete ${this.describe()}` +
        (this.kind === 'MLCube' || this.kind === 'Dataset'
          ? '; to retire it yourself, set spec.valid: false instead'
          : ''),
    );
  }

  /** The entity in words, for messages. */
  describe(): string {
    const info = this.info;
    switch (info.kind) {
      case 'MLCube':
      case 'Dataset':
      case 'Runner':
        return `${info.kind} ${info.ref}`;
      case 'User':
        return `user ${info.ref}`;
      case 'Benchmark':
        return `benchmark ${info.benchmark}`;
      case 'ModelAssociation':
        return `the association of model ${info.model} with benchmark ${info.benchmark}`;
      case 'DatasetAssociation':
        return `the association of dataset ${info.dataset} with benchmark ${info.benchmark}`;
      case 'Result':
        return `the result of model ${info.model} on dataset ${info.dataset} in benchmark ${info.benchmark}`;
      default:
        return this.file;
    }
  }
}

/**
 * An admin's approval: from another admin when the author is one (unless they are the only one); a
 * violation when the registry has no admin at all.
 */
export function requireAdmin(
  merged: MergedRegistry,
  authorLogin: string,
  what: string,
  file: string,
  findings: RuleFindings,
): void {
  const admins = merged.admins;
  if (admins.length === 0) {
    findings.violations.push(
      error(
        'policy.no-admin',
        `${what} needs an admin's approval, but the registry has no user with roles: [admin]; add one in ${repoRegistryFolder(entityFolder({ kind: 'User' }))}/`,
        { file },
      ),
    );
    return;
  }
  const otherAdmins = admins.filter((admin) => admin !== authorLogin);
  // An admin's own change needs another admin, unless they are the only one.
  if (otherAdmins.length === 0) return;
  findings.requirements.push({
    code: 'approval.admin',
    who: otherAdmins,
    why: `${what} needs an approving review from an admin: ${formatWho(otherAdmins)}`,
    file,
  });
}

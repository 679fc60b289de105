/**
 * The decision: may this pull request merge? Pure over two registry states, the author and the reviews.
 * Every rule yields either a violation (the change is not allowed, whoever approves) or a requirement
 * (an approval from one of named people). The MedPerf rules these encode are listed in README.md.
 */
import { type Diagnostic, error, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { changedFields, fieldUnder } from './field-diff.js';
import type { ChangeAction } from './git-tree.js';
import {
  benchmarkPath,
  classifyPath,
  datasetAssociationPath,
  datasetPath,
  mlcubePath,
  modelAssociationPath,
  type PathInfo,
  REGISTRY_FILE,
  RUNNERS_DIR,
  USERS_DIR,
  userPath,
} from './paths.js';
import { reduceReviews } from './reviews.js';
import type { Change, Decision, GivenApproval, PolicyInput, Requirement } from './types.js';
import { GitView, type PolicyEntity, type RegistryView } from './view.js';

/** Fields that never change once merged (a new version is a new entity). Parents of these count too. */
const FROZEN: Record<string, string[]> = {
  common: ['kind', 'metadata.name', 'metadata.owner'],
  MLCube: [
    'spec.manifest.sha256',
    'spec.parameters.sha256',
    'spec.additionalFiles.sha256',
    'spec.imageTarball.sha256',
    'spec.image.digest',
  ],
  Dataset: ['spec.preparator', 'spec.inputDataHash'],
  Benchmark: [
    'spec.preparator',
    'spec.referenceModel',
    'spec.metrics',
    'spec.demoDataset.sha256',
    'spec.demoDataset.generatedUid',
  ],
  ModelAssociation: ['spec.benchmark', 'spec.model'],
  DatasetAssociation: ['spec.benchmark', 'spec.dataset'],
  Result: ['spec.benchmark', 'spec.model', 'spec.dataset'],
};

/** What an entity in `operation` state may still change (MedPerf's editable fields). */
const OPERATION_EDITABLE: Record<string, string[]> = {
  MLCube: [
    'spec.valid',
    'metadata.description',
    'metadata.labels',
    'spec.manifest.url',
    'spec.parameters.url',
    'spec.additionalFiles.url',
    'spec.imageTarball.url',
  ],
  Dataset: ['spec.valid', 'metadata.description', 'metadata.labels'],
  Benchmark: [
    'metadata.description',
    'metadata.labels',
    'spec.docsUrl',
    'spec.policy',
    'spec.demoDataset.url',
    'spec.committee',
  ],
};

/** Benchmark fields a committee member may change without an admin. */
const COMMITTEE_EDITABLE = ['metadata.description', 'spec.docsUrl', 'spec.policy'];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const lower = (s: string) => s.toLowerCase();

export function formatWho(who: readonly string[]): string {
  const at = who.map((w) => `@${w}`);
  if (at.length <= 1) return at.join('');
  return `${at.slice(0, -1).join(', ')} or ${at[at.length - 1]}`;
}

/** Compares two states file by file (when the caller has no git diff at hand). */
export function diffViews(
  before: RegistryView,
  head: RegistryView,
): Array<{ path: string; action: ChangeAction }> {
  const a = new Set(before.list(''));
  const b = new Set(head.list(''));
  const out: Array<{ path: string; action: ChangeAction }> = [];
  for (const p of a) {
    if (!b.has(p)) out.push({ path: p, action: 'deleted' });
    else if (before.fingerprint(p) !== head.fingerprint(p)) out.push({ path: p, action: 'modified' });
  }
  for (const p of b) if (!a.has(p)) out.push({ path: p, action: 'added' });
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** Facts about the merged registry the rules consult, read once. */
class Context {
  private usersCache?: Map<string, Obj>;
  constructor(readonly base: RegistryView) {}

  get users(): Map<string, Obj> {
    if (!this.usersCache) {
      const m = new Map<string, Obj>();
      const paths = this.base.list(USERS_DIR);
      (this.base as { prefetch?: (p: string[]) => void }).prefetch?.(paths);
      for (const p of paths) {
        const info = classifyPath(p);
        if (info.kind === 'User' && info.owner) m.set(info.owner, this.base.get(p)?.data ?? {});
      }
      this.usersCache = m;
    }
    return this.usersCache;
  }
  isUser(login: string): boolean {
    return this.base.has(userPath(login));
  }
  get admins(): string[] {
    const out: string[] = [];
    for (const [login, data] of this.users) {
      const roles = obj(data.spec).roles;
      if (Array.isArray(roles) && roles.includes('admin')) out.push(login);
    }
    return out.sort();
  }
  /** "an admin (@ada or @ben)", for messages; says so when there is none. */
  get adminsText(): string {
    const a = this.admins;
    return a.length > 0
      ? `an admin (${formatWho(a)})`
      : 'an admin (the registry has none yet: add a user with roles: [admin])';
  }
  get bots(): string[] {
    const bots = obj(this.base.get(REGISTRY_FILE)?.data.spec).bots;
    return Array.isArray(bots) ? bots.filter((b): b is string => typeof b === 'string').map(lower) : [];
  }
  entity(path: string): Obj | undefined {
    return this.base.get(path)?.data;
  }
  benchmark(name: string): Obj | undefined {
    return this.entity(benchmarkPath(name));
  }
  committee(name: string): string[] {
    const c = obj(this.benchmark(name)?.spec).committee;
    return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string').map(lower) : [];
  }
  /**
   * The dataset owner's merged runners whose `spec.datasets` lists this dataset. Only the owner's
   * runners count: a runner serves only its owner's datasets (the validator's ref.runner-foreign-dataset).
   */
  runnersServing(datasetRef: string): string[] {
    const owner = datasetRef.split('/')[0];
    const paths = this.base.list(`${RUNNERS_DIR}/${owner}`);
    (this.base as { prefetch?: (p: string[]) => void }).prefetch?.(paths);
    return paths.filter((p) => {
      const ds = obj(this.base.get(p)?.data.spec).datasets;
      return Array.isArray(ds) && ds.includes(datasetRef);
    });
  }
}

/** Files the rules will read for these changes: the changed files and what they refer to. */
function likelyReads(
  raw: ReadonlyArray<{ path: string; action: ChangeAction }>,
  before: RegistryView,
  head: RegistryView,
  base: RegistryView,
  author: string,
): Array<[RegistryView, string[]]> {
  const old: string[] = [];
  const neu: string[] = [];
  const merged = new Set<string>([REGISTRY_FILE, userPath(author)]);
  let needUsers = false;
  for (const c of raw) {
    const info = classifyPath(c.path);
    if (info.kind === 'Other') {
      needUsers = true;
      continue;
    }
    if (c.action !== 'added') old.push(c.path);
    if (c.action !== 'deleted') neu.push(c.path);
    if (c.action === 'deleted' || ['Registry', 'User', 'Benchmark'].includes(info.kind)) needUsers = true;
    if (info.benchmark) merged.add(benchmarkPath(info.benchmark));
    if (info.kind === 'ModelAssociation' && info.model) merged.add(mlcubePath(info.model));
    if (info.kind === 'DatasetAssociation' && info.dataset) merged.add(datasetPath(info.dataset));
    if (info.kind === 'Result' && info.owner) {
      for (const p of base.list(`${RUNNERS_DIR}/${info.owner}`)) merged.add(p);
    }
    // What a result's rules and reference checks look up: its associations, model and dataset.
    if (info.kind === 'Result' && info.benchmark && info.model && info.dataset) {
      merged.add(modelAssociationPath(info.benchmark, info.model));
      merged.add(datasetAssociationPath(info.benchmark, info.dataset));
      merged.add(mlcubePath(info.model));
      merged.add(datasetPath(info.dataset));
    }
  }
  if (needUsers) for (const p of base.list(USERS_DIR)) merged.add(p);
  // The validator reads the head's copies of referenced files: the same blobs when unchanged.
  return [
    [before, old],
    [head, [...neu, ...merged]],
    [base, [...merged]],
  ];
}

interface Acc {
  violations: Diagnostic[];
  requirements: Requirement[];
}

export function decide(input: PolicyInput): Decision {
  const author = lower(input.author);
  const before = input.before ?? input.base;
  const raw = input.changes ?? diffViews(before, input.head);
  const ctx = new Context(input.base);
  const acc: Acc = { violations: [], requirements: [] };

  // Read, with one git process, every file the rules (and the validator after them) are likely to need.
  GitView.prefetchTogether(likelyReads(raw, before, input.head, input.base, author));

  const changes: Change[] = raw.map((c) => {
    const info = classifyPath(c.path);
    const fields =
      c.action === 'modified' && info.kind !== 'Other'
        ? changedFields(before.get(c.path)?.data, input.head.get(c.path)?.data)
        : [];
    return { path: c.path, kind: info.kind, action: c.action, fields };
  });

  const isBot = ctx.bots.includes(author);
  const isUser = ctx.isUser(author);
  if (!isUser && !isBot && changes.length > 0) {
    acc.violations.push(
      error(
        'policy.author-unregistered',
        `@${author} is not a registered user (no ${userPath(author)} on the base branch) nor a bot listed in ${REGISTRY_FILE}; ` +
          `ask ${ctx.adminsText} to register you first`,
      ),
    );
  } else {
    for (const change of changes) {
      const info = classifyPath(change.path);
      const rule = new ChangeRule(ctx, input, before, change, info, author, isUser, isBot, acc);
      rule.apply();
    }
  }
  return finish(input, author, changes, acc, ctx);
}

function finish(input: PolicyInput, author: string, changes: Change[], acc: Acc, ctx: Context): Decision {
  const verdicts = reduceReviews(input.reviews, input.headSha);
  const required: Requirement[] = [];
  const approved: GivenApproval[] = [];
  const violations = [...acc.violations];
  for (const r of acc.requirements) {
    const who = [...new Set(r.who.map(lower))].filter((w) => w !== author).sort();
    if (who.length === 0) {
      violations.push(
        error(
          'policy.no-approver',
          `${r.why.replace(/[.;]?$/, '')}, but nobody other than the author @${author} can give that approval; ` +
            `ask ${ctx.adminsText} to take it over`,
          { file: r.file },
        ),
      );
      continue;
    }
    const blockers = who.filter((w) => verdicts.changesRequestedBy.has(w));
    const by = who.filter((w) => verdicts.approvedBy.has(w));
    if (blockers.length > 0) {
      required.push({
        ...r,
        who,
        why: `${r.why} (${formatWho(blockers)} requested changes; that must be resolved by a new approving review)`,
      });
    } else if (by.length > 0) {
      approved.push({ ...r, who, by });
    } else {
      required.push({ ...r, who });
    }
  }
  const stale = [...verdicts.staleApprovalBy].filter((w) => !verdicts.approvedBy.has(w)).sort();
  const status = violations.length > 0 ? 'fail' : required.length > 0 ? 'pending' : 'pass';
  return {
    status,
    author,
    headSha: input.headSha,
    changes,
    required,
    approved,
    violations: sortDiagnostics(violations),
    staleApprovals: stale,
  };
}

class ChangeRule {
  private readonly old?: PolicyEntity;
  private readonly neu?: PolicyEntity;
  constructor(
    private readonly ctx: Context,
    private readonly input: PolicyInput,
    before: RegistryView,
    private readonly change: Change,
    private readonly info: PathInfo,
    private readonly author: string,
    private readonly isUser: boolean,
    private readonly isBot: boolean,
    private readonly acc: Acc,
  ) {
    if (change.action !== 'added') this.old = before.get(change.path);
    if (change.action !== 'deleted') this.neu = input.head.get(change.path);
  }

  private get file() {
    return this.change.path;
  }

  private violate(code: string, message: string, field?: string): void {
    const line = field ? (this.neu ?? this.old)?.lineOf(field) : undefined;
    this.acc.violations.push(error(code, message, { file: this.file, ...(line ? { line } : {}) }));
  }

  private need(code: string, who: string[], why: string): void {
    this.acc.requirements.push({ code, who, why, file: this.file });
  }

  private needAdmin(what: string): void {
    const admins = this.ctx.admins;
    if (admins.length === 0) {
      this.violate(
        'policy.no-admin',
        `${what} needs an admin's approval, but the registry has no user with roles: [admin]; add one in ${USERS_DIR}/`,
      );
      return;
    }
    const others = admins.filter((a) => a !== this.author);
    // An admin's own change needs another admin, unless they are the only one.
    if (others.length === 0) return;
    this.need(
      'approval.admin',
      others,
      `${what} needs an approving review from an admin: ${formatWho(others)}`,
    );
  }

  apply(): void {
    const { kind } = this.info;
    if (this.isBot && !this.isUser && kind !== 'Result') {
      this.violate(
        'policy.bot-scope',
        `@${this.author} is a bot; bots may only submit results, not change ${this.file}; ` +
          'a registered user must open this pull request',
      );
      return;
    }
    if (kind !== 'Other' && this.change.action !== 'deleted' && !this.neu) {
      // A symlink or submodule at an entity path: its content is not what the rules would read.
      this.violate(
        'policy.not-a-file',
        `${this.file} is not a regular file (a symbolic link or submodule); commit the entity as a plain YAML file`,
      );
      return;
    }
    if (kind !== 'Other' && this.neu && this.neu.problems.length > 0) {
      this.acc.violations.push(...this.neu.problems);
      return;
    }
    if (this.neu && kind !== 'Other') this.checkShape();
    if (this.change.action === 'modified' && kind !== 'Other') this.checkFrozen();
    const handlers: Record<PathInfo['kind'], () => void> = {
      Other: () =>
        this.needAdmin(
          this.file.startsWith('registry/')
            ? `${this.file} is not a registry entity path, so changing it`
            : `${this.file} is outside registry/ (code, schemas, workflows), so changing it`,
        ),
      Registry: () => this.needAdmin(`Changing the registry settings (${REGISTRY_FILE})`),
      User: () => this.user(),
      MLCube: () => this.owned(),
      Dataset: () => this.owned(),
      Runner: () => this.owned(),
      Benchmark: () => this.benchmark(),
      ModelAssociation: () => this.association(),
      DatasetAssociation: () => this.association(),
      Result: () => this.result(),
    };
    handlers[kind]();
  }

  /** The file's content must say what its path says; the rules (and CODEOWNERS) trust the path. */
  private checkShape(): void {
    const d = this.neu?.data ?? {};
    const meta = obj(d.metadata);
    const spec = obj(d.spec);
    const i = this.info;
    const expect = (field: string, actual: unknown, wanted: string | undefined) => {
      if (wanted !== undefined && actual !== wanted) {
        this.violate(
          'policy.path-mismatch',
          `${field} is ${JSON.stringify(actual ?? null)} but the file's place says "${wanted}"; ` +
            `make them agree (the path decides who owns the file)`,
          field,
        );
      }
    };
    expect('kind', d.kind, i.kind);
    switch (i.kind) {
      case 'User':
        expect('metadata.name', meta.name, i.owner);
        break;
      case 'MLCube':
      case 'Dataset':
      case 'Runner':
        expect('metadata.name', meta.name, i.name);
        expect('metadata.owner', meta.owner, i.owner);
        break;
      case 'Benchmark':
        expect('metadata.name', meta.name, i.benchmark);
        break;
      case 'ModelAssociation':
        expect('spec.benchmark', spec.benchmark, i.benchmark);
        expect('spec.model', spec.model, i.model);
        break;
      case 'DatasetAssociation':
        expect('spec.benchmark', spec.benchmark, i.benchmark);
        expect('spec.dataset', spec.dataset, i.dataset);
        break;
      case 'Result':
        expect('spec.benchmark', spec.benchmark, i.benchmark);
        expect('spec.model', spec.model, i.model);
        expect('spec.dataset', spec.dataset, i.dataset);
        expect('metadata.owner', meta.owner, i.owner);
        break;
    }
  }

  private checkFrozen(): void {
    const kind = this.info.kind;
    const frozen = [...FROZEN.common, ...(FROZEN[kind] ?? [])];
    const touches = (f: string, p: string) => fieldUnder(f, p) || fieldUnder(p, f);
    const what = this.describe();
    for (const f of this.change.fields) {
      if (frozen.some((p) => touches(f, p))) {
        this.violate(
          'policy.frozen-field',
          `${f} of ${what} cannot change once merged (hashes, names, owners and references are frozen); ` +
            `register a new ${kind} under a new name instead`,
          f,
        );
      }
    }
    const editable = OPERATION_EDITABLE[kind];
    // The fields changed since the merge base land on the base branch's copy: a branch made before the
    // entity went into operation is locked like one made after.
    const inOperation = (e?: PolicyEntity) => str(obj(e?.data.spec).state) === 'operation';
    if (editable && (inOperation(this.old) || inOperation(this.ctx.base.get(this.file)))) {
      for (const f of this.change.fields) {
        if (frozen.some((p) => touches(f, p))) continue; // already reported
        if (!editable.some((p) => fieldUnder(f, p))) {
          this.violate(
            'policy.operation-locked',
            `${what} is in operation state, so ${f} can no longer change (only ${editable.join(', ')} may); ` +
              `register a new ${kind} for a new version`,
            f,
          );
        }
      }
    }
  }

  private describe(): string {
    const i = this.info;
    switch (i.kind) {
      case 'MLCube':
        return `MLCube ${i.owner}/${i.name}`;
      case 'Dataset':
        return `Dataset ${i.owner}/${i.name}`;
      case 'Runner':
        return `Runner ${i.owner}/${i.name}`;
      case 'User':
        return `user ${i.owner}`;
      case 'Benchmark':
        return `benchmark ${i.benchmark}`;
      case 'ModelAssociation':
        return `the association of model ${i.model} with benchmark ${i.benchmark}`;
      case 'DatasetAssociation':
        return `the association of dataset ${i.dataset} with benchmark ${i.benchmark}`;
      case 'Result':
        return `the result of model ${i.model} on dataset ${i.dataset} in benchmark ${i.benchmark}`;
      default:
        return this.file;
    }
  }

  private isAdmin(): boolean {
    return this.ctx.admins.includes(this.author);
  }

  private adminDelete(): boolean {
    if (this.isAdmin()) {
      this.needAdmin(`Deleting ${this.describe()}`);
      return true;
    }
    this.violate(
      'policy.delete-admin-only',
      `only ${this.ctx.adminsText} may delete ${this.describe()}` +
        (this.info.kind === 'MLCube' || this.info.kind === 'Dataset'
          ? '; to retire it yourself, set spec.valid: false instead'
          : ''),
    );
    return false;
  }

  private user(): void {
    if (this.change.action === 'deleted') {
      this.adminDelete();
      return;
    }
    this.needAdmin(`${this.change.action === 'added' ? 'Adding' : 'Changing'} ${this.describe()}`);
  }

  private owned(): void {
    const owner = this.info.owner ?? '';
    const folder = this.file.slice(0, this.file.lastIndexOf('/') + 1);
    if (this.change.action === 'deleted' && this.info.kind !== 'Runner') {
      this.adminDelete();
      return;
    }
    if (this.change.action === 'deleted' && owner !== this.author && this.isAdmin()) {
      this.needAdmin(`Deleting ${this.describe()}`); // moderation, as MedPerf's admin-only DELETE
      return;
    }
    if (owner !== this.author) {
      const mine = folder.replace(`/${owner}/`, `/${this.author}/`);
      this.violate(
        'policy.not-owner',
        `${this.file} is in ${owner}'s folder, but this pull request is authored by @${this.author}; ` +
          `only @${owner} may add, change or remove files under ${folder} (put yours under ${mine})`,
      );
    }
    // Self-service: the owner needs nobody's approval.
  }

  private benchmark(): void {
    const b = this.info.benchmark ?? '';
    const action = this.change.action;
    if (action === 'deleted') {
      this.adminDelete();
      return;
    }
    const spec = obj(this.neu?.data.spec);
    if (action === 'added') {
      const owner = str(obj(this.neu?.data.metadata).owner);
      if (owner !== this.author && !this.isAdmin()) {
        this.violate(
          'policy.not-owner',
          `benchmark ${b} names @${owner ?? '?'} as its owner but is submitted by @${this.author}; ` +
            `set metadata.owner to ${this.author} or let @${owner ?? '?'} submit it`,
          'metadata.owner',
        );
      }
      const committee = Array.isArray(spec.committee) ? spec.committee : [];
      for (const m of committee) {
        if (typeof m === 'string' && !this.ctx.isUser(lower(m))) {
          this.violate(
            'policy.committee-unregistered',
            `committee member @${m} of benchmark ${b} is not a registered user; an admin must add ${userPath(lower(m))} first`,
            'spec.committee',
          );
        }
      }
      // MedPerf: a benchmark's three cubes must be in operation when it is created.
      for (const role of ['preparator', 'referenceModel', 'metrics']) {
        const ref = str(spec[role]);
        if (!ref) continue;
        const cube = this.input.head.get(mlcubePath(ref))?.data;
        if (!cube) {
          this.violate(
            'policy.cube-not-registered',
            `spec.${role} of benchmark ${b} refers to MLCube ${ref}, which is not in the registry; submit it first`,
            `spec.${role}`,
          );
        } else if (str(obj(cube.spec).state) !== 'operation') {
          this.violate(
            'policy.cube-not-operation',
            `spec.${role} of benchmark ${b} refers to MLCube ${ref}, which is in development state; ` +
              `its owner sets spec.state: operation first`,
            `spec.${role}`,
          );
        }
      }
      this.needAdmin(`New benchmark ${b}`);
      return;
    }
    const fields = this.change.fields;
    if (fields.length === 0) return;
    const committeeOnly = fields.every((f) => COMMITTEE_EDITABLE.some((p) => fieldUnder(f, p)));
    if (!committeeOnly) {
      const other = fields.filter((f) => !COMMITTEE_EDITABLE.some((p) => fieldUnder(f, p)));
      this.needAdmin(`Changing ${other.join(', ')} of benchmark ${b}`);
      return;
    }
    const committee = this.ctx.committee(b);
    if (committee.includes(this.author)) return;
    this.need(
      'approval.committee',
      committee,
      `Changing ${fields.join(', ')} of benchmark ${b} needs an approving review from a committee member of ` +
        `benchmark ${b}: ${formatWho(committee)}`,
    );
  }

  private association(): void {
    const isModel = this.info.kind === 'ModelAssociation';
    const b = this.info.benchmark ?? '';
    const ref = (isModel ? this.info.model : this.info.dataset) ?? '';
    const owner = this.info.owner ?? '';
    const noun = isModel ? 'model' : 'dataset';
    const committee = this.ctx.committee(b);
    const isOwner = this.author === owner;
    const inCommittee = committee.includes(this.author);
    const action = this.change.action;

    if (action === 'deleted' && !isOwner && !inCommittee && this.isAdmin()) {
      this.needAdmin(`Revoking ${this.describe()}`); // moderation, as MedPerf's admin-only DELETE
      return;
    }
    if (!isOwner && !inCommittee) {
      this.violate(
        'policy.not-party',
        `only the ${noun} owner (@${owner}) or a committee member of benchmark ${b} (${formatWho(committee)}) may ` +
          `${action === 'deleted' ? 'revoke' : action === 'added' ? 'request' : 'change'} ${this.describe()}; ` +
          `@${this.author} is neither`,
      );
      return;
    }
    // Revocation: either side, no approval.
    if (action === 'deleted') return;

    const fields = this.change.fields;
    const priorityChanged =
      action === 'added'
        ? Number(obj(this.neu?.data.spec).priority ?? 0) !== 0
        : fields.some((f) => fieldUnder(f, 'spec.priority'));
    if (isModel && priorityChanged && !inCommittee) {
      this.violate(
        'policy.priority-committee-only',
        `only the committee of benchmark ${b} (${formatWho(committee)}) sets spec.priority; ` +
          `${action === 'added' ? 'leave it out (0)' : 'keep its old value'} or ask them to change it`,
        'spec.priority',
      );
    }
    if (action === 'modified') {
      const cosmetic = ['metadata.description', 'metadata.labels', 'spec.priority'];
      // Priority and wording need no other side; anything else (a new compatibility test) is a new request.
      if (fields.every((f) => cosmetic.some((p) => fieldUnder(f, p)))) return;
    }

    if (action === 'added') {
      if (!this.ctx.base.has(benchmarkPath(b))) {
        this.violate(
          'policy.benchmark-not-merged',
          `benchmark ${b} is not merged yet, so ${noun}s cannot be associated with it; ` +
            `open this pull request again after the benchmark's pull request is merged`,
          'spec.benchmark',
        );
        return;
      }
      const compPath = isModel ? mlcubePath(ref) : datasetPath(ref);
      const comp = this.ctx.entity(compPath);
      const kindName = isModel ? 'MLCube' : 'Dataset';
      if (!comp) {
        this.violate(
          isModel ? 'policy.model-not-merged' : 'policy.dataset-not-merged',
          `${kindName} ${ref} is not merged yet (no ${compPath} on the base branch); ` +
            `merge its own pull request first, then request the association`,
          `spec.${noun}`,
        );
        return;
      }
      if (str(obj(comp.spec).state) !== 'operation') {
        this.violate(
          isModel ? 'policy.model-not-operation' : 'policy.dataset-not-operation',
          `${kindName} ${ref} is in development state; @${owner} must set spec.state: operation ` +
            `(in a merged pull request) before it can be associated with benchmark ${b}`,
          `spec.${noun}`,
        );
      }
      if (!isModel) {
        const dsPrep = str(obj(comp.spec).preparator);
        const bPrep = str(obj(this.ctx.benchmark(b)?.spec).preparator);
        if (dsPrep !== bPrep) {
          this.violate(
            'policy.preparator-mismatch',
            `dataset ${ref} was prepared with ${dsPrep ?? 'no preparator'}, but benchmark ${b} uses ${bPrep}; ` +
              `prepare the data with ${bPrep} and register that dataset instead`,
            'spec.dataset',
          );
        }
      }
    }

    // Who approves: the other side.
    if (isOwner && inCommittee) return;
    if (isOwner) {
      const policy = obj(
        obj(obj(this.ctx.benchmark(b)?.spec).policy)[isModel ? 'modelAutoApproval' : 'datasetAutoApproval'],
      );
      const mode = str(policy.mode) ?? 'never';
      const list = Array.isArray(policy.allowlist) ? policy.allowlist.map((x) => lower(String(x))) : [];
      if (mode === 'always' || (mode === 'allowlist' && list.includes(owner))) return;
      this.need(
        'approval.committee',
        committee,
        `${this.describe()} was requested by the ${noun} owner, so it needs an approving review from a committee ` +
          `member of benchmark ${b}: ${formatWho(committee)}`,
      );
      return;
    }
    this.need(
      isModel ? 'approval.model-owner' : 'approval.dataset-owner',
      [owner],
      `${this.describe()} was requested by the committee, so it needs an approving review from the ${noun} owner: ` +
        formatWho([owner]),
    );
  }

  private result(): void {
    const i = this.info;
    const b = i.benchmark ?? '';
    const dataOwner = i.owner ?? '';
    const action = this.change.action;
    if (action === 'deleted') {
      if (this.author !== dataOwner && this.isAdmin()) {
        this.needAdmin(`Deleting ${this.describe()}`); // moderation, as MedPerf's admin-only DELETE
      } else if (this.author !== dataOwner) {
        this.violate(
          'policy.not-owner',
          `only the data owner @${dataOwner} (or an admin) may withdraw ${this.describe()}`,
        );
      }
      return;
    }
    let consent = this.author === dataOwner;
    if (!consent) {
      if (!this.isBot) {
        this.violate(
          'policy.result-not-data-owner',
          `results on dataset ${i.dataset} are submitted by its owner @${dataOwner} (authorship is the consent) ` +
            `or by a registry bot; @${this.author} is neither`,
        );
        return;
      }
      // The bot acts for a runner: the one the result names (spec.execution.runnerRef), else any serving it.
      const runnerRef = str(obj(obj(this.neu?.data.spec).execution).runnerRef);
      const runners = this.ctx
        .runnersServing(i.dataset ?? '')
        .filter((p) => !runnerRef || p === `${RUNNERS_DIR}/${runnerRef}.yaml`);
      if (runners.length === 0) {
        this.violate(
          'policy.bot-no-runner',
          `bot @${this.author} submitted ${this.describe()}, but no merged Runner${runnerRef ? ` ${runnerRef}` : ''} ` +
            `lists dataset ${i.dataset} in spec.datasets; @${dataOwner} must register a runner that serves it, ` +
            'or submit the result themselves',
          runnerRef ? 'spec.execution.runnerRef' : undefined,
        );
        return;
      }
      consent = false;
    }
    if (!this.ctx.base.has(benchmarkPath(b))) {
      this.violate(
        'policy.benchmark-not-merged',
        `benchmark ${b} is not merged, so it cannot have results yet`,
      );
      return;
    }
    if (!this.ctx.base.has(datasetAssociationPath(b, i.dataset ?? ''))) {
      this.violate(
        'policy.association-missing',
        `dataset ${i.dataset} is not associated with benchmark ${b} (no merged ` +
          `${datasetAssociationPath(b, i.dataset ?? '')}); its association must be approved and merged first`,
        'spec.dataset',
      );
    }
    const reference = str(obj(this.ctx.benchmark(b)?.spec).referenceModel);
    if (i.model !== reference && !this.ctx.base.has(modelAssociationPath(b, i.model ?? ''))) {
      this.violate(
        'policy.association-missing',
        `model ${i.model} is not associated with benchmark ${b} (no merged ` +
          `${modelAssociationPath(b, i.model ?? '')}) and is not its reference model; ` +
          'its association must be approved and merged first',
        'spec.model',
      );
    }
    if (!consent) {
      this.need(
        'approval.data-owner',
        [dataOwner],
        `${this.describe()} was submitted by bot @${this.author}, so it needs the data owner's consent: ` +
          `an approving review from ${formatWho([dataOwner])}`,
      );
    }
  }
}

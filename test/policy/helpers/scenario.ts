/**
 * A scenario is a real git repository: the base registry committed on `main`, a branch `pr` with the
 * head changes (optionally a second push), an author and reviews. `runScenario` evaluates the policy
 * on it exactly as CI does.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import type { Review, ReviewState } from '../../../cli/src/forge/forge.js';
import { type EvaluatedDecision, evaluatePolicy } from '../../../cli/src/policy/index.js';
import { clone, demoRegistry, type Entity, type Files, render } from './registry.js';

export interface ReviewSpec {
  by: string;
  state?: ReviewState;
  /** 'head' (default): the current head; 'first': the first push (then stale if there is a second push). */
  on?: 'head' | 'first';
}

export interface ScenarioSpec {
  /** Changes to the default demo registry before the base commit. */
  base?: (f: FileEdit) => void;
  /** The pull request's changes. */
  head: (f: FileEdit) => void;
  /** A second push after the reviews marked `on: 'first'`. */
  secondPush?: (f: FileEdit) => void;
  /**
   * Changes merged to main after the branch was made: the evaluation's base is then this newer main, and
   * the merge base stays the commit the branch was made from.
   */
  mainAfter?: (f: FileEdit) => void;
  author: string;
  reviews?: Array<ReviewSpec | string>;
}

export class FileEdit {
  constructor(readonly files: Files) {}
  set(path: string, v: Entity | string): this {
    this.files.set(path, v);
    return this;
  }
  delete(path: string): this {
    if (!this.files.delete(path)) throw new Error(`scenario deletes ${path}, which is not in the registry`);
    return this;
  }
  /** Edits an existing entity in place (a deep copy of it). */
  edit(path: string, fn: (e: Entity & { metadata: Entity; spec: Entity }) => void): this {
    const cur = this.files.get(path);
    if (!cur || typeof cur === 'string')
      throw new Error(`scenario edits ${path}, which is not an entity here`);
    const copy = clone(cur) as Entity & { metadata: Entity; spec: Entity };
    fn(copy);
    this.files.set(path, copy);
    return this;
  }
  get(path: string): Entity {
    return this.files.get(path) as Entity;
  }
}

function writeAll(dir: string, before: Files | undefined, after: Files): void {
  if (before) for (const p of before.keys()) if (!after.has(p)) rmSync(join(dir, p));
  for (const [p, v] of after) {
    if (before?.get(p) === v) continue;
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), render(v));
  }
}

export interface BuiltScenario {
  dir: string;
  baseSha: string;
  firstHeadSha: string;
  headSha: string;
  cleanup(): void;
}

async function initBase(dir: string, base: Files): Promise<void> {
  const git = simpleGit(dir);
  await git.init(['-b', 'main']);
  await git.addConfig('user.name', 'test').addConfig('user.email', 'test@example.org');
  await git.addConfig('commit.gpgsign', 'false');
  writeAll(dir, undefined, base);
  await git.add(['-A']);
  await git.commit('base');
}

// The default base repository is built once and copied: most scenarios share it.
let template: Promise<{ dir: string; sha: string }> | undefined;
const templates: string[] = [];
function defaultTemplate(): Promise<{ dir: string; sha: string }> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitperf-policy-template-'));
    templates.push(dir);
    await initBase(dir, demoRegistry());
    return { dir, sha: (await simpleGit(dir).revparse(['HEAD'])).trim() };
  })();
  return template;
}
// Safety net: a worker that exits without running afterAll still leaves no template behind.
process.once('exit', () => cleanupTemplates());

/** Removes the shared template (call from afterAll). */
export function cleanupTemplates(): void {
  for (const t of templates.splice(0)) rmSync(t, { recursive: true, force: true });
  template = undefined;
}

async function commitAll(git: SimpleGit, message: string): Promise<string> {
  await git.add(['-A']);
  await git.commit(message, ['--allow-empty', '--quiet']);
  return (await git.revparse(['HEAD'])).trim();
}

/** Base on `main`, head commits on top of it (the pull request's branch is HEAD; refs are not needed). */
export async function buildRepo(spec: Omit<ScenarioSpec, 'author' | 'reviews'>): Promise<BuiltScenario> {
  const dir = mkdtempSync(join(tmpdir(), 'gitperf-policy-'));
  const base = demoRegistry();
  let baseSha: string;
  const git = simpleGit(dir);
  if (spec.base) {
    spec.base(new FileEdit(base));
    await initBase(dir, base);
    baseSha = (await git.revparse(['HEAD'])).trim();
  } else {
    const t = await defaultTemplate();
    cpSync(t.dir, dir, { recursive: true });
    baseSha = t.sha;
  }
  const head = new Map(base);
  spec.head(new FileEdit(head));
  writeAll(dir, base, head);
  const firstHeadSha = await commitAll(git, 'head');
  let headSha = firstHeadSha;
  if (spec.secondPush) {
    const second = new Map(head);
    spec.secondPush(new FileEdit(second));
    writeAll(dir, head, second);
    headSha = await commitAll(git, 'second push');
  }
  if (spec.mainAfter) {
    await git.raw(['checkout', '--quiet', '--detach', baseSha]);
    const moved = new Map(base);
    spec.mainAfter(new FileEdit(moved));
    writeAll(dir, base, moved);
    baseSha = await commitAll(git, 'main moves on');
    await git.raw(['checkout', '--quiet', '--detach', headSha]);
  }
  return {
    dir,
    baseSha,
    firstHeadSha,
    headSha,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function toReviews(specs: ScenarioSpec['reviews'], built: BuiltScenario): Review[] {
  return (specs ?? []).map((r, i) => {
    const s = typeof r === 'string' ? { by: r } : r;
    return {
      reviewer: s.by,
      state: s.state ?? 'APPROVED',
      commitSha: s.on === 'first' ? built.firstHeadSha : built.headSha,
      submittedAt: new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString(),
    };
  });
}

export async function runScenario(spec: ScenarioSpec): Promise<EvaluatedDecision> {
  const built = await buildRepo(spec);
  try {
    return await evaluatePolicy({
      repoDir: built.dir,
      baseRef: built.baseSha,
      headRef: built.headSha,
      author: spec.author,
      reviews: toReviews(spec.reviews, built),
    });
  } finally {
    built.cleanup();
  }
}

/**
 * The registry's `pre-receive` hook (installed by `gitperf init --local` in the bare repository): what a
 * `git push` to the local forge's repository may change. The default branch moves only by a merge the
 * forge made of a submission whose policy passes, and submission metadata only grows by signed reviews:
 *
 * - `refs/heads/<default>`: the new tip must be a merge commit whose first parent is the old tip, whose
 *   second parent is submission N's head, whose tree is git's merge of the two, and which the same push
 *   records in N's metadata (state merged, this commit) with a merge record signed by the merger's key
 *   registered on the old tip; the policy, evaluated again on the old tip with N's signed reviews, passes.
 * - `refs/gitperf/pulls/N/meta`: append-only (the new metadata commit descends from the old one, earlier
 *   reviews unchanged, no reopening, number/author/base fixed); every added verdict verifies against the
 *   reviewer's registered key; "merged" only together with the default branch's move to that merge.
 * - deleting the default branch or a submission's refs is refused; statuses and other refs pass.
 *
 * Nothing here trusts who pushed: a push is accepted for what it contains, so the forge's own pushes (a
 * URL registry) and anyone else's meet the same rules. Writes that bypass `git push` (a process with write
 * access to the repository's files) are outside what a hook can see: see the README's trust model.
 */
import type { Review } from '../forge/forge.js';
import { ZERO_SHA } from '../forge/local/git.js';
import { META_FILE, type PullMeta, parseMeta, parsePullRef, pullRef } from '../forge/local/meta.js';
import { runGit } from '../git/git.js';
import { evaluatePolicy, GitView, registeredSshKeys, signedReviews } from '../policy/index.js';
import { repoEntityPath } from '../registry/layout.js';
import { verifyRecordSignature } from '../trust/index.js';

export interface RefUpdateLine {
  old: string;
  new: string;
  ref: string;
}

/** `<old> <new> <ref>` lines as git feeds them to pre-receive on stdin. */
export function parseHookInput(text: string): RefUpdateLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [old, updated, ref] = line.trim().split(/\s+/);
      return { old, new: updated, ref };
    });
}

const HOW_TO_SUBMIT =
  'changes reach it only as submissions the policy lets merge: open one with `gitperf submission open` (or a participant command such as `gitperf user add`, `gitperf mlcube submit`, `gitperf dataset register`), have it approved (`gitperf review approve N`) and merge it with `gitperf merge N`';

async function git(gitDir: string, args: string[], okCodes = [0]): Promise<{ out: string; code: number }> {
  const result = await runGit(args, { gitDir, allowedExitCodes: okCodes });
  return { out: String(result.stdout).trim(), code: result.exitCode };
}

async function readMeta(gitDir: string, commit: string, ref: string): Promise<PullMeta | string> {
  const result = await git(gitDir, ['cat-file', 'blob', `${commit}:${META_FILE}`], [0, 128]);
  if (result.code !== 0) return `${ref}: ${commit.slice(0, 12)} holds no ${META_FILE}`;
  try {
    return parseMeta(result.out, ref);
  } catch (e) {
    return `${ref}: ${(e as Error).message}`;
  }
}

/** The refusals of one push (empty: accept). */
export async function checkPush(gitDir: string, updates: readonly RefUpdateLine[]): Promise<string[]> {
  const problems: string[] = [];
  const head = await git(gitDir, ['symbolic-ref', 'HEAD'], [0, 1, 128]);
  const defaultRef = head.code === 0 ? head.out : 'refs/heads/main';
  const defaultName = defaultRef.replace(/^refs\/heads\//, '');
  const defaultUpdate = updates.find((u) => u.ref === defaultRef);
  // Keys are looked up on the default branch as it is before this push: a push cannot vouch for itself.
  const keysTip = defaultUpdate && defaultUpdate.old !== ZERO_SHA ? defaultUpdate.old : undefined;
  const currentTip =
    keysTip ?? (await git(gitDir, ['rev-parse', '--verify', '--quiet', defaultRef], [0, 1])).out;
  const keysView = currentTip ? new GitView(gitDir, currentTip) : undefined;
  const keysOf = (login: string) =>
    keysView ? registeredSshKeys(keysView, login) : { keys: [], file: repoEntityPath('User', login) };

  const newMetas = new Map<number, PullMeta>();
  for (const update of updates) {
    const pull = parsePullRef(update.ref);
    if (update.ref === defaultRef) continue; // checked below, once the metadata is read
    if (!pull) continue; // statuses, other branches, tags: nothing the policy reads as merged state
    if (update.new === ZERO_SHA) {
      problems.push(`${update.ref}: a submission's refs cannot be deleted (they are its audit trail)`);
      continue;
    }
    if (pull.part === 'head') continue; // new content is judged by the policy when it merges
    const meta = await readMeta(gitDir, update.new, update.ref);
    if (typeof meta === 'string') {
      problems.push(meta);
      continue;
    }
    newMetas.set(pull.number, meta);
    problems.push(...(await checkMetaUpdate(gitDir, update, meta, pull.number, keysOf)));
    if (meta.state === 'merged' && meta.base === defaultName) {
      const wasMerged = update.old !== ZERO_SHA && (await readMeta(gitDir, update.old, update.ref));
      const already = typeof wasMerged === 'object' && wasMerged.state === 'merged';
      if (!already && defaultUpdate?.new !== meta.mergedSha)
        problems.push(
          `${update.ref}: submission #${pull.number} claims to be merged, but this push does not move ${defaultName} to its merge ${String(meta.mergedSha).slice(0, 12)}`,
        );
    }
  }

  if (defaultUpdate)
    problems.push(...(await checkDefaultBranch(gitDir, defaultUpdate, defaultName, newMetas, keysOf)));
  return problems;
}

type KeysOf = (login: string) => { keys: readonly string[]; file: string };

async function checkMetaUpdate(
  gitDir: string,
  update: RefUpdateLine,
  meta: PullMeta,
  number: number,
  keysOf: KeysOf,
): Promise<string[]> {
  const problems: string[] = [];
  if (meta.number !== number)
    problems.push(`${update.ref}: its ${META_FILE} is for submission #${meta.number}`);
  let earlier: Review[] = [];
  if (update.old !== ZERO_SHA) {
    const ancestor = await git(gitDir, ['merge-base', '--is-ancestor', update.old, update.new], [0, 1, 128]);
    if (ancestor.code !== 0)
      problems.push(`${update.ref}: the metadata history is append-only; this push rewrites it`);
    const old = await readMeta(gitDir, update.old, update.ref);
    if (typeof old === 'object') {
      for (const field of ['number', 'author', 'base', 'baseSha', 'createdAt'] as const)
        if (old[field] !== meta[field])
          problems.push(`${update.ref}: \`${field}\` of a submission cannot change`);
      if (old.state !== 'open' && old.state !== meta.state)
        problems.push(`${update.ref}: submission #${number} is ${old.state}; it cannot become ${meta.state}`);
      const kept = JSON.stringify(meta.reviews.slice(0, old.reviews.length));
      if (kept !== JSON.stringify(old.reviews))
        problems.push(`${update.ref}: recorded reviews cannot be changed or removed`);
      earlier = old.reviews;
    }
  }
  const added = meta.reviews.slice(earlier.length);
  const { uncounted } = signedReviews(added, number, keysOf);
  for (const review of uncounted) problems.push(`${update.ref}: refused a forged review: ${review.why}`);
  return problems;
}

async function checkDefaultBranch(
  gitDir: string,
  update: RefUpdateLine,
  defaultName: string,
  metas: Map<number, PullMeta>,
  keysOf: KeysOf,
): Promise<string[]> {
  const refuse = (why: string) => [`${update.ref}: ${why}; ${HOW_TO_SUBMIT}`];
  if (update.new === ZERO_SHA) return refuse(`the registry's ${defaultName} cannot be deleted`);
  if (update.old === ZERO_SHA)
    return refuse(`${defaultName} already exists in the registry or cannot be created by a push`);
  const entry = [...metas.entries()].find(([, m]) => m.state === 'merged' && m.mergedSha === update.new);
  if (!entry)
    return refuse(
      `a push cannot move ${defaultName} (${update.old.slice(0, 12)} → ${update.new.slice(0, 12)}): it is not the forge's merge of a submission`,
    );
  const [number, meta] = entry;
  const parents = (await git(gitDir, ['rev-list', '--parents', '-n', '1', update.new])).out
    .split(' ')
    .slice(1);
  const headSha = (await git(gitDir, ['rev-parse', '--verify', '--quiet', pullRef(number, 'head')], [0, 1]))
    .out;
  if (parents.length !== 2 || parents[0] !== update.old || parents[1] !== headSha)
    return refuse(
      `${update.new.slice(0, 12)} is not a merge of ${defaultName}'s tip ${update.old.slice(0, 12)} and submission #${number}'s head`,
    );
  const merged = await git(
    gitDir,
    ['merge-tree', '--write-tree', '--no-messages', update.old, headSha],
    [0, 1],
  );
  const tree = (await git(gitDir, ['rev-parse', `${update.new}^{tree}`])).out;
  if (merged.code !== 0 || merged.out.split('\n')[0] !== tree)
    return refuse(
      `the tree of ${update.new.slice(0, 12)} is not git's merge of submission #${number} into ${defaultName}`,
    );
  const merger = String(meta.mergedBy ?? '');
  const { keys, file } = keysOf(merger.toLowerCase());
  const verdict = verifyRecordSignature({
    kind: 'merge',
    record: {
      submission: number,
      base: meta.base,
      baseSha: update.old,
      headSha,
      mergeSha: update.new,
      mergedBy: merger,
      mergedAt: String(meta.mergedAt ?? ''),
    },
    signature: meta.mergeSignature,
    registeredKeys: keys,
    keysFile: file,
  });
  if (!verdict.ok)
    return refuse(
      `the merge of submission #${number} by ${merger || 'nobody'} is not counted: ${verdict.why}`,
    );
  // The policy again, on the tip this merge lands on, with the submission's signed reviews only.
  const decision = await evaluatePolicy({
    repoDir: gitDir,
    baseRef: update.old,
    headRef: headSha,
    author: meta.author,
    reviews: meta.reviews,
    signedReviews: { submission: number },
  });
  if (decision.status !== 'pass') {
    const why = [
      ...decision.violations.map((v) => `${v.code}: ${v.message}`),
      ...decision.required.map((r) => `${r.file}: ${r.why}`),
      ...(decision.uncountedReviews ?? []).map((r) => r.why),
    ];
    return refuse(
      `submission #${number}'s policy is ${decision.status} on ${update.old.slice(0, 12)} (${why.join('; ')})`,
    );
  }
  return [];
}

/**
 * A main that stays valid: two self-service submissions that each pass alone but break the registry
 * together (a result naming runner lee/r1, and an edit of lee/r1 that stops serving the result's
 * dataset: `ref.runner-not-serving`). Whichever merges second is refused, naming the first; a base that
 * moves between evaluation and merge makes the merge evaluate again. Real git, both kinds of local forge.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitperfError } from '../../../cli/src/diagnostics/diagnostic.js';
import { LocalForge } from '../../../cli/src/forge/local/local-forge.js';
import { GitFileSource, GitView, resolveCommit } from '../../../cli/src/policy/index.js';
import { resultRef } from '../../../cli/src/registry/kinds.js';
import { entityPath, REGISTRY_DIR } from '../../../cli/src/registry/layout.js';
import { validateRegistry } from '../../../cli/src/registry/validate.js';
import {
  evaluateSubmission,
  localContext,
  mergeSubmission,
  openEntitySubmission,
  type SubmissionContext,
} from '../../../cli/src/submission/index.js';
import { git } from '../../forge/local/helpers.js';
import { type BareRepository, registryBuilder } from '../../helpers/registry-builder.js';

const RESULT_REF = resultRef('bc', 'lee/d1', 'ana/bc-logreg');

/** The consortium: ana's benchmark and cubes, lee's dataset (associated) and runner lee/r1 serving it. */
export function runnerConsortium() {
  return registryBuilder()
    .registry('demo-consortium', { defaultBranch: 'main' })
    .user('ada', { roles: ['admin'] })
    .user('ana')
    .user('lee')
    .mlcube('ana', 'bc-prep')
    .mlcube('ana', 'bc-logreg')
    .mlcube('ana', 'bc-metrics')
    .benchmark('bc', 'ana')
    .dataset('lee', 'd1')
    .datasetAssociation('bc', 'lee/d1')
    .runner('lee', 'r1', { datasets: ['lee/d1'] });
}

/** Lee's result of the reference model on lee/d1, computed by runner lee/r1. */
export function resultFile() {
  const builder = runnerConsortium().result('bc', 'lee/d1', 'ana/bc-logreg');
  const result = builder.get('Result', RESULT_REF);
  if (!result) throw new Error('no result');
  result.spec.execution.runnerRef = 'lee/r1';
  const path = entityPath('Result', RESULT_REF);
  return { path: `${REGISTRY_DIR}/${path}`, content: builder.entity(result).registryFiles()[path] };
}

/** Lee's runner lee/r1, no longer serving lee/d1. */
export function runnerEditFile() {
  const path = entityPath('Runner', 'lee/r1');
  const content = runnerConsortium().runner('lee', 'r1', { datasets: [] }).registryFiles()[path];
  return { path: `${REGISTRY_DIR}/${path}`, content };
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GitperfError) return { code: e.diagnostic.code, message: e.diagnostic.message };
    throw e;
  }
  throw new Error('expected a GitperfError');
}

const forgeKinds = [
  {
    kind: 'served from the bare repository path',
    registryOf: (reg: BareRepository) => reg.bare,
    cacheDirOf: (_reg: BareRepository, _user: string): string | undefined => undefined,
  },
  {
    kind: 'over a git URL (each user in its own clone)',
    registryOf: (reg: BareRepository) => `file://${reg.bare}`,
    cacheDirOf: (reg: BareRepository, user: string): string | undefined => join(reg.dir, `cache-${user}.git`),
  },
];

describe.each(forgeKinds)('a main that stays valid (local forge $kind)', ({ registryOf, cacheDirOf }) => {
  let reg: BareRepository;
  const as = async (
    user: string,
    hook?: Parameters<typeof LocalForge.open>[0]['beforeRefUpdate'],
  ): Promise<SubmissionContext> => {
    const cacheDir = cacheDirOf(reg, hook ? `${user}-hooked` : user);
    const forge = await LocalForge.open({
      registry: registryOf(reg),
      user,
      ...(cacheDir ? { cacheDir } : {}),
      ...(hook ? { beforeRefUpdate: hook } : {}),
    });
    return localContext(forge, forge.localRepository, user);
  };
  const mainIsValid = async () => {
    const main = resolveCommit(reg.bare, 'main');
    return (await validateRegistry(new GitFileSource(new GitView(reg.bare, main)))).valid;
  };
  beforeEach(async () => {
    reg = await runnerConsortium().bareRepository();
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  it.each([
    { order: 'the result first, then the runner edit', first: resultFile, second: runnerEditFile },
    { order: 'the runner edit first, then the result', first: runnerEditFile, second: resultFile },
  ])(
    'two submissions that pass alone: $order — the second merge is refused, naming the first',
    async ({ first, second }) => {
      expect(await mainIsValid()).toBe(true);
      const lee = await as('lee');
      const a = await openEntitySubmission(lee, { files: [first()] });
      const b = await openEntitySubmission(lee, { files: [second()] });
      // Each passes alone, self-service: nobody needs to approve either.
      expect(a.decision.status).toBe('pass');
      expect(b.decision.status).toBe('pass');
      expect((await evaluateSubmission(lee, b.submission.number)).decision.status).toBe('pass');

      const merged = await mergeSubmission(lee, a.submission.number);
      const refused = await failure(mergeSubmission(lee, b.submission.number));
      expect(refused.code).toBe('policy.fail');
      expect(refused.message).toContain(
        `it conflicts with submission #${a.submission.number}, merged into main after it branched (${merged.sha.slice(0, 12)})`,
      );
      expect(refused.message).toMatch(/policy\.merged-invalid: .*ref\.runner-not-serving/);
      // Main is what the first merge made it, and still valid; the second stays open.
      expect(await git(reg.bare, 'rev-parse', 'main')).toBe(merged.sha);
      expect(await mainIsValid()).toBe(true);
      expect((await lee.forge.getSubmission(b.submission.number)).state).toBe('open');
      // The policy's decision says the same to anyone asking with the merged tree.
      const evaluated = await evaluateSubmission(lee, b.submission.number, { mergedTree: true });
      expect(evaluated.decision.status).toBe('fail');
      expect(evaluated.decision.conflictsWith?.sha).toBe(merged.sha);
      // Without the merged tree (the head alone) it still reads as passing: the check is what merging adds.
      expect((await evaluateSubmission(lee, b.submission.number)).decision.status).toBe('pass');
    },
  );

  it('a base that moves between evaluation and merge makes the merge evaluate again, and refuse', async () => {
    const lee = await as('lee');
    const a = await openEntitySubmission(lee, { files: [resultFile()] });
    const b = await openEntitySubmission(lee, { files: [runnerEditFile()] });
    let interleaved: string | undefined;
    // Right before b's merge moves main, someone merges a: main is no longer what b was checked against.
    const racing = await as('lee', async (what) => {
      if (what !== 'merge' || interleaved) return;
      interleaved = (await mergeSubmission(await as('ada'), a.submission.number)).sha;
    });
    const refused = await failure(mergeSubmission(racing, b.submission.number));
    expect(interleaved).toBeDefined();
    expect(refused.code).toBe('policy.fail');
    expect(refused.message).toContain(`it conflicts with submission #${a.submission.number}`);
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(interleaved);
    expect(await mainIsValid()).toBe(true);
  });

  it('a base that moved harmlessly is evaluated again and the merge goes through on the new tip', async () => {
    const lee = await as('lee');
    const a = await openEntitySubmission(lee, { files: [resultFile()] });
    const other = runnerConsortium().runner('lee', 'r2', { datasets: ['lee/d1'] });
    const r2 = entityPath('Runner', 'lee/r2');
    const b = await openEntitySubmission(lee, {
      files: [{ path: `${REGISTRY_DIR}/${r2}`, content: other.registryFiles()[r2] }],
    });
    let interleaved: string | undefined;
    const racing = await as('lee', async (what) => {
      if (what !== 'merge' || interleaved) return;
      interleaved = (await mergeSubmission(await as('ada'), a.submission.number)).sha;
    });
    const merged = await mergeSubmission(racing, b.submission.number);
    expect(merged.decision.baseSha).toBe(interleaved);
    expect(await git(reg.bare, 'rev-parse', 'main^1')).toBe(interleaved);
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(merged.sha);
    expect(await mainIsValid()).toBe(true);
  });
});

/**
 * A main that stays valid: two self-service submissions that each pass alone but break the registry
 * together (a result naming runner lee/r1, and an edit of lee/r1 that stops serving the result's
 * dataset: `ref.runner-not-serving`). Whichever merges second is refused, naming the first; a base that
 * moves between evaluation and merge makes the merge evaluate again. Real git, both kinds of local forge.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitperfError } from '../../../cli/src/diagnostics/diagnostic.js';
import { GitFileSource, GitView, resolveCommit } from '../../../cli/src/policy/index.js';
import { entityPath, REGISTRY_DIR } from '../../../cli/src/registry/layout.js';
import { validateRegistry } from '../../../cli/src/registry/validate.js';
import {
  evaluateSubmission,
  mergeSubmission,
  openEntitySubmission,
} from '../../../cli/src/submission/index.js';
import { git } from '../../forge/local/helpers.js';
import type { BareRepository } from '../../helpers/registry-builder.js';
import {
  type BeforeRefUpdate,
  localForgeContext,
  localForgeKinds,
  resultFile,
  runnerConsortium,
  runnerEditFile,
  signedRunnerConsortium,
} from './fixture.js';

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GitperfError) return { code: e.diagnostic.code, message: e.diagnostic.message };
    throw e;
  }
  throw new Error('expected a GitperfError');
}

describe.each(localForgeKinds)('a main that stays valid (local forge $kind)', (forgeKind) => {
  let reg: BareRepository;
  const as = (user: string, hook?: BeforeRefUpdate) => localForgeContext(forgeKind, reg, user, hook);
  const mainIsValid = async () => {
    const main = resolveCommit(reg.bare, 'main');
    return (await validateRegistry(new GitFileSource(new GitView(reg.bare, main)))).valid;
  };
  beforeEach(async () => {
    reg = await (await signedRunnerConsortium()).bareRepository();
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

/**
 * `submission list` evaluates every open submission: one submission must not stall or break everyone's
 * listing. A hostile file is refused before parsing (a failing decision, promptly); a submission whose
 * evaluation throws is listed as such, with the reason, and the others are still listed. Real local forge.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoEntityPath } from '../../../cli/src/registry/layout.js';
import { listEvaluated, openEntitySubmission, openLocalContext } from '../../../cli/src/submission/index.js';
import { listLine, toJsonSubmission } from '../../../cli/src/submission/render.js';
import { git } from '../../forge/local/helpers.js';
import { makeConsortium, userYaml } from './fixture.js';

describe('submission list goes on past a submission it cannot evaluate', () => {
  let reg: Awaited<ReturnType<typeof makeConsortium>>;
  beforeEach(async () => {
    reg = await makeConsortium();
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  it('lists a 2.9 MB submission as failing, one whose evaluation throws as "evaluation failed", and the rest', async () => {
    const lee = await openLocalContext(reg.bare, 'lee');
    const ana = await openLocalContext(reg.bare, 'ana');
    const huge = `kind: MLCube\n${Array.from({ length: 50_000 }, (_, index) => `x-${index}: ${'v'.repeat(50)}`).join('\n')}\n`;
    expect(huge.length).toBeGreaterThan(2_900_000);
    const hostile = await openEntitySubmission(lee, {
      files: [{ path: repoEntityPath('MLCube', 'lee/big'), content: huge }],
      allowViolations: true,
    });
    const broken = await openEntitySubmission(lee, {
      files: [{ path: repoEntityPath('User', 'kim'), content: userYaml('kim') }],
    });
    const fine = await openEntitySubmission(ana, {
      files: [{ path: repoEntityPath('User', 'bob'), content: userYaml('bob') }],
    });
    // The head of one submission becomes something the policy cannot read (a blob, not a commit): its
    // evaluation throws.
    const blob = await git(reg.bare, 'rev-parse', `${broken.submission.headSha}:registry/users/kim.yaml`);
    await git(reg.bare, 'update-ref', `refs/gitperf/pulls/${broken.submission.number}/head`, blob);

    const ada = await openLocalContext(reg.bare, 'ada');
    const listed = await listEvaluated(ada);
    expect(listed.map((e) => e.submission.number)).toEqual([
      hostile.submission.number,
      broken.submission.number,
      fine.submission.number,
    ]);
    const [first, second, third] = listed;
    expect(first.decision?.status).toBe('fail');
    expect(first.decision?.violations.map((violation) => violation.code)).toEqual(['file.too-large']);
    expect(second.decision).toBeUndefined();
    expect(second.evaluationError).toMatch(/is not a commit/);
    expect(third.decision?.status).toBe('pending');

    const viewer = { login: 'ada' };
    const text = listed.map((e) => listLine(e, viewer)).join('\n');
    expect(text).toContain(`#${broken.submission.number}`);
    expect(text).toMatch(/ error +lee +Add user kim\n +evaluation failed: .*is not a commit/);
    expect(text).toMatch(/file\.too-large/);
    expect(text).toContain(`#${fine.submission.number}`);
    const json = toJsonSubmission(second, viewer);
    expect(json.policy).toBeNull();
    expect(json.evaluationError).toMatch(/is not a commit/);
    expect(json.next).toMatch(/could not evaluate it/);
  }, 180_000);
});

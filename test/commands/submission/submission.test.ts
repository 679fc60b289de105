import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitperfError } from '../../../cli/src/diagnostics/diagnostic.js';
import {
  closeSubmission,
  evaluateSubmission,
  listEvaluated,
  mergeSubmission,
  openEntitySubmission,
  openLocalContext,
  reviewSubmission,
  type SubmissionContext,
  updateSubmission,
} from '../../../cli/src/submission/index.js';
import { git } from '../../forge/local/helpers.js';
import { makeConsortium, userYaml } from './fixture.js';

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GitperfError) return { code: e.diagnostic.code, message: e.diagnostic.message };
    throw e;
  }
  throw new Error('expected a GitperfError');
}

describe('submissions over the local forge, gated by the policy', () => {
  let reg: Awaited<ReturnType<typeof makeConsortium>>;
  const as = (user: string): Promise<SubmissionContext> => openLocalContext(reg.bare, user);
  beforeEach(async () => {
    reg = await makeConsortium();
  });
  afterEach(async () => {
    await reg.cleanup();
  });
  const kim = { path: 'registry/users/kim.yaml', content: userYaml('kim') };

  it('opens with a body listing the files and the approvals needed, and requests those reviewers', async () => {
    const lee = await as('lee');
    const o = await openEntitySubmission(lee, { files: [kim] });
    expect(o.submission.title).toBe('Add user kim');
    expect(o.submission.body).toContain('- added `registry/users/kim.yaml`: user kim');
    expect(o.submission.body).toMatch(/### Approvals it needs\n\n- @ada/);
    expect(o.decision.status).toBe('pending');
    expect(o.decision.required.map((r) => r.who)).toEqual([['ada']]);
    expect(o.reviewersRequested).toEqual(['ada']);
    expect((await lee.forge.getSubmission(o.submission.number)).requestedReviewers).toEqual(['ada']);
  });

  it('a merge without the required approval is refused with the policy message; a self-approval does not count', async () => {
    const lee = await as('lee');
    const o = await openEntitySubmission(lee, { files: [kim] });
    const self = await reviewSubmission(lee, o.submission.number, 'APPROVE');
    expect(self.note).toMatch(/your own approval does not count/);
    expect(self.decision.status).toBe('pending');
    const refused = await failure(mergeSubmission(lee, o.submission.number));
    expect(refused.code).toBe('policy.pending');
    expect(refused.message).toMatch(/waiting for approvals: registry\/users\/kim\.yaml: .*admin/);
    // A non-admin's approval does not satisfy an admin requirement either.
    const ana = await as('ana');
    expect((await reviewSubmission(ana, o.submission.number, 'APPROVE')).note).toMatch(
      /does not need your approval/,
    );
    expect((await failure(mergeSubmission(ana, o.submission.number))).code).toBe('policy.pending');
    expect(await git(reg.bare, 'show', 'main:registry/users/kim.yaml').catch(() => 'absent')).toBe('absent');
  });

  it('merges once the admin approves, with Approved-by trailers from the approvals', async () => {
    const lee = await as('lee');
    const o = await openEntitySubmission(lee, { files: [kim] });
    const ada = await as('ada');
    const r = await reviewSubmission(ada, o.submission.number, 'APPROVE', 'welcome');
    expect(r.note).toBeUndefined();
    expect(r.decision.status).toBe('pass');
    const m = await mergeSubmission(ada, o.submission.number);
    expect(m.trailers).toEqual(['Approved-by: ada']);
    expect(m.submission.state).toBe('merged');
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(m.sha);
    expect(await git(reg.bare, 'log', '-1', '--format=%(trailers:key=Approved-by,valueonly)', 'main')).toBe(
      'ada',
    );
    expect(await git(reg.bare, 'log', '-1', '--format=%s', 'main')).toBe('Merge #1: Add user kim');
    expect(await git(reg.bare, 'show', 'main:registry/users/kim.yaml')).toContain('name: kim');
  });

  it('an approval becomes stale after a new push', async () => {
    const lee = await as('lee');
    const o = await openEntitySubmission(lee, { files: [kim] });
    const ada = await as('ada');
    await reviewSubmission(ada, o.submission.number, 'APPROVE');
    const e = await updateSubmission(lee, o.submission.number, [
      {
        path: 'registry/users/kim.yaml',
        content: userYaml('kim').replace('spec: {}', 'spec:\n  organization: X'),
      },
    ]);
    // Viewed by the admin, the same: their approval is stale.
    expect((await evaluateSubmission(ada, o.submission.number)).decision.staleApprovals).toEqual(['ada']);
    expect(e.decision.status).toBe('pending');
    expect(e.decision.staleApprovals).toEqual(['ada']);
    const refused = await failure(mergeSubmission(ada, o.submission.number));
    expect(refused.code).toBe('policy.pending');
    expect(refused.message).toMatch(/older commit/);
    await reviewSubmission(ada, o.submission.number, 'APPROVE');
    expect((await mergeSubmission(ada, o.submission.number)).trailers).toEqual(['Approved-by: ada']);
  });

  it('refuses to open what the policy would fail, and what changes nothing', async () => {
    const zed = await as('zed');
    const f = await failure(openEntitySubmission(zed, { files: [kim] }));
    expect(f.code).toBe('submission.policy-fail');
    expect(f.message).toMatch(/policy\.author-unregistered/);
    expect(await zed.forge.listSubmissions({ state: 'all' })).toEqual([]);
    const lee = await as('lee');
    expect(
      (
        await failure(
          openEntitySubmission(lee, {
            files: [
              {
                path: 'registry/users/ana.yaml',
                content: `${await git(reg.bare, 'show', 'main:registry/users/ana.yaml')}\n`,
              },
            ],
          }),
        )
      ).code,
    ).toBe('submission.no-change');
  });

  it('lists mine and waiting-for-me; closes on rejection by an approver, not by a bystander', async () => {
    const lee = await as('lee');
    const a = await openEntitySubmission(lee, { files: [kim] });
    const ana = await as('ana');
    const b = await openEntitySubmission(ana, {
      files: [{ path: 'registry/users/bob.yaml', content: userYaml('bob') }],
    });
    const ada = await as('ada');
    expect((await listEvaluated(ada, { waitingForMe: true })).map((e) => e.submission.number)).toEqual([
      a.submission.number,
      b.submission.number,
    ]);
    expect((await listEvaluated(ana, { waitingForMe: true })).map((e) => e.submission.number)).toEqual([]);
    expect((await listEvaluated(ana, { mine: true })).map((e) => e.submission.number)).toEqual([
      b.submission.number,
    ]);
    expect((await failure(closeSubmission(await as('raj'), a.submission.number))).code).toBe(
      'submission.close-not-allowed',
    );
    await closeSubmission(ada, a.submission.number, 'not now');
    const closed = await ada.forge.getSubmission(a.submission.number);
    expect(closed.state).toBe('closed');
    expect(
      (await ada.forge.listReviews(a.submission.number)).map((r) => [r.reviewer, r.state, r.body]),
    ).toEqual([['ada', 'COMMENTED', 'not now']]);
    expect(
      (await listEvaluated(ada, { state: 'closed' })).map((e) => [e.submission.number, e.decision]),
    ).toEqual([[a.submission.number, undefined]]);
    expect((await failure(mergeSubmission(ada, a.submission.number))).code).toBe('submission.not-open');
  });
});

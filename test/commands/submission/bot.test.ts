/**
 * The merge bot over real git repositories and both kinds of local forge: it merges what passes (with
 * Approved-by trailers), requests the reviewers a pending submission waits for (once), reports a failing
 * one with its reason, and a push that lands between its evaluation and its merge makes the merge refuse
 * and the next pass evaluate the new head.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalForge } from '../../../cli/src/forge/local/local-forge.js';
import { REGISTRY_DIR } from '../../../cli/src/registry/layout.js';
import {
  type BotAction,
  botPass,
  openEntitySubmission,
  renderBotAction,
  reviewSubmission,
  updateSubmission,
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
  userYaml,
} from './fixture.js';

const kim = { path: `${REGISTRY_DIR}/users/kim.yaml`, content: userYaml('kim') };

function runnerFile(name: string, labels: string[]) {
  const builder = runnerConsortium().runner('lee', name, { labels, datasets: ['lee/d1'] });
  const path = `runners/lee/${name}.yaml`;
  return { path: `${REGISTRY_DIR}/${path}`, content: builder.registryFiles()[path] };
}

function byNumber(actions: BotAction[], number: number): BotAction {
  const found = actions.find((a) => a.number === number);
  if (!found) throw new Error(`the bot did nothing with #${number}`);
  return found;
}

describe.each(localForgeKinds)('gitperf bot (local forge $kind)', (forgeKind) => {
  let reg: BareRepository;
  const as = (user: string, hook?: BeforeRefUpdate) => localForgeContext(forgeKind, reg, user, hook);
  beforeEach(async () => {
    reg = await (await signedRunnerConsortium()).bareRepository();
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  it('merges a passing submission, requests the reviewers of a pending one (once), merges it when approved', async () => {
    const lee = await as('lee');
    // Opened without asking anyone, so that asking is the bot's doing.
    const pending = await openEntitySubmission(lee, { files: [kim], requestReviewers: false });
    const passing = await openEntitySubmission(lee, { files: [runnerFile('r2', ['lee-gpu'])] });
    expect(pending.decision.status).toBe('pending');
    expect(passing.decision.status).toBe('pass');
    expect((await lee.forge.getSubmission(pending.submission.number)).requestedReviewers).toEqual([]);

    const bot = await as('ada');
    const first = await botPass(bot);
    expect(first.failed).toBe(false);
    const merged = byNumber(first.actions, passing.submission.number);
    if (merged.action !== 'merged') throw new Error(`#${passing.submission.number}: ${merged.action}`);
    expect(merged.trailers).toEqual([]);
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(merged.sha);
    expect(await git(reg.bare, 'show', 'main:registry/runners/lee/r2.yaml')).toContain('lee-gpu');
    expect(byNumber(first.actions, pending.submission.number)).toEqual({
      number: pending.submission.number,
      title: 'Add user kim',
      action: 'waiting',
      waitingFor: ['ada'],
      requested: ['ada'],
    });
    expect(renderBotAction(byNumber(first.actions, pending.submission.number))).toBe(
      `#${pending.submission.number} Add user kim: waiting for @ada (review requested from ada)`,
    );
    expect((await lee.forge.getSubmission(pending.submission.number)).requestedReviewers).toEqual(['ada']);

    // A second pass asks nobody again and writes nothing.
    const metaBefore = await git(
      reg.bare,
      'rev-parse',
      `refs/gitperf/pulls/${pending.submission.number}/meta`,
    );
    const second = await botPass(bot);
    expect(second.actions).toEqual([
      expect.objectContaining({ number: pending.submission.number, action: 'waiting', requested: [] }),
    ]);
    expect(await git(reg.bare, 'rev-parse', `refs/gitperf/pulls/${pending.submission.number}/meta`)).toBe(
      metaBefore,
    );

    await reviewSubmission(bot, pending.submission.number, 'APPROVE');
    const third = await botPass(bot);
    expect(third.actions).toEqual([
      expect.objectContaining({
        number: pending.submission.number,
        action: 'merged',
        trailers: ['Approved-by: ada'],
      }),
    ]);
    expect(await git(reg.bare, 'log', '-1', '--format=%(trailers:key=Approved-by,valueonly)', 'main')).toBe(
      'ada',
    );
    expect(await botPass(bot)).toEqual({ actions: [], failed: false });
  });

  it("waits for the data owner's own review of a result from a runner with review consent, then merges", async () => {
    await reg.cleanup();
    reg = await (await signedRunnerConsortium())
      .runner('lee', 'r1', { datasets: ['lee/d1'], consent: 'review' })
      .bareRepository();
    const lee = await as('lee');
    const result = await openEntitySubmission(lee, { files: [resultFile()], requestReviewers: false });
    const bot = await as('ada');
    const first = await botPass(bot);
    // The author is the one awaited (its runner opened the submission under its login), but a forge cannot
    // request a review from a submission's author: nobody is asked.
    expect(first.actions).toEqual([
      expect.objectContaining({
        number: result.submission.number,
        action: 'waiting',
        waitingFor: ['lee'],
        requested: [],
      }),
    ]);
    expect(renderBotAction(first.actions[0])).toMatch(/waiting for @lee$/);
    await reviewSubmission(lee, result.submission.number, 'APPROVE');
    const second = await botPass(bot);
    expect(second.actions).toEqual([
      expect.objectContaining({ action: 'merged', trailers: ['Approved-by: lee'] }),
    ]);
  });

  it('reports a submission the base broke as failing, naming the submission it conflicts with', async () => {
    const lee = await as('lee');
    const result = await openEntitySubmission(lee, { files: [resultFile()] });
    const edit = await openEntitySubmission(lee, { files: [runnerEditFile()] });
    const pass = await botPass(await as('ada'));
    // Oldest first: the result merges, after which the runner edit would leave it unserved.
    expect(byNumber(pass.actions, result.submission.number).action).toBe('merged');
    const failing = byNumber(pass.actions, edit.submission.number);
    expect(failing).toMatchObject({
      action: 'failing',
      code: 'policy.merged-invalid',
      conflictsWith: result.submission.number,
    });
    expect(renderBotAction(failing)).toMatch(
      new RegExp(`failing: it conflicts with submission #${result.submission.number}, merged into main`),
    );
    expect(pass.failed).toBe(false);
    expect((await lee.forge.getSubmission(edit.submission.number)).state).toBe('open');
  });

  it('a push between evaluation and merge makes the merge refuse; the next pass evaluates the new head', async () => {
    const lee = await as('lee');
    const opened = await openEntitySubmission(lee, { files: [runnerFile('r2', ['lee-gpu'])] });
    const number = opened.submission.number;
    let pushedHead: string | undefined;
    // Right before the bot's merge moves main, lee pushes new content to the submission.
    const bot = await as('ada', async (what) => {
      if (what !== 'merge' || pushedHead) return;
      pushedHead = (await updateSubmission(lee, number, [runnerFile('r2', ['lee-gpu', 'lee-big'])]))
        .submission.headSha;
    });
    const first = await botPass(bot);
    expect(pushedHead).toBeDefined();
    expect(first.failed).toBe(false);
    expect(byNumber(first.actions, number)).toMatchObject({ action: 'head-moved' });
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(opened.decision.baseSha);
    expect((await lee.forge.getSubmission(number)).state).toBe('open');

    const second = await botPass(bot);
    expect(byNumber(second.actions, number)).toMatchObject({ action: 'merged' });
    expect(await git(reg.bare, 'rev-parse', 'main^2')).toBe(pushedHead);
    expect(await git(reg.bare, 'show', 'main:registry/runners/lee/r2.yaml')).toContain('lee-big');
  });

  it('runs against the Forge interface only: a forge error on one submission is a bot error, the others go on', async () => {
    const lee = await as('lee');
    const first = await openEntitySubmission(lee, { files: [kim], requestReviewers: false });
    const second = await openEntitySubmission(lee, { files: [runnerFile('r2', ['lee-gpu'])] });
    const bot = await as('ada');
    const failingForge = Object.create(bot.forge) as LocalForge;
    failingForge.requestReviewers = async () => {
      throw new Error('the forge is read-only today');
    };
    const pass = await botPass({ ...bot, forge: failingForge });
    expect(pass.failed).toBe(true);
    expect(byNumber(pass.actions, first.submission.number)).toMatchObject({
      action: 'error',
      reason: 'the forge is read-only today',
    });
    expect(byNumber(pass.actions, second.submission.number).action).toBe('merged');
  });
});

/**
 * The same bot pass against GitHub: every API call goes through the OpenAPI contract harness (the GitHub
 * model behind it), while the policy reads the pull requests from a clone that fetches them from a real
 * git remote laid out like GitHub's (`refs/pull/<n>/head`). The model's pull requests are pointed at the
 * real commits, so `pulls.merge({sha})` compares the head the policy evaluated.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubForge } from '../../../cli/src/forge/github/github-forge.js';
import { botPass, githubContext } from '../../../cli/src/submission/index.js';
import { GitHubModel } from '../../forge/github/github-model.js';
import { git, gitEnv } from '../../forge/local/helpers.js';
import { type ContractHarness, createContractFetch } from '../../helpers/openapi-github.js';
import { type BareRepository, registryBuilder } from '../../helpers/registry-builder.js';

describe('gitperf bot against GitHub (contract harness)', () => {
  let reg: BareRepository;
  let model: GitHubModel;
  let harness: ContractHarness;
  const forgeAs = (login: string) =>
    new GitHubForge({
      owner: 'medperf',
      repo: 'registry',
      token: `token-${login}`,
      fetch: harness.fetch,
      tuning: { retryAfterBaseMs: 1, paceWrites: false, warn: () => undefined },
    });
  beforeEach(async () => {
    reg = await registryBuilder()
      .registry('medperf', { defaultBranch: 'main' })
      .user('bob', { roles: ['admin'] })
      .user('alice')
      .bareRepository();
    model = new GitHubModel('medperf', 'registry');
    for (const login of ['alice', 'bob']) model.addUser(login);
    harness = createContractFetch(model.handle);
  });
  afterEach(async () => {
    expect(harness.violations).toEqual([]);
    await reg.cleanup();
  });

  /** Alice opens a pull request on GitHub; the same change is committed to the real remote as its head. */
  const openPull = async (file: string, content: string, title: string) => {
    const submission = await forgeAs('alice').openSubmission({
      title,
      body: title,
      author: 'alice',
      files: [{ path: file, content }],
    });
    const work = join(reg.dir, `pull-${submission.number}`);
    await execa('git', ['clone', '--quiet', reg.bare, work]);
    await mkdir(dirname(join(work, file)), { recursive: true });
    await writeFile(join(work, file), content);
    const env = gitEnv('alice');
    await execa('git', ['-C', work, 'add', '-A'], { env });
    await execa('git', ['-C', work, 'commit', '--quiet', '-m', title], { env });
    await execa(
      'git',
      ['-C', work, 'push', '--quiet', 'origin', `HEAD:refs/pull/${submission.number}/head`],
      { env },
    );
    const realHead = await git(join(work, '.git'), 'rev-parse', 'HEAD');
    // GitHub's head is that commit: same files, so the model's merge applies what the policy read.
    const modelHead = model.commit(submission.headSha);
    if (!modelHead) throw new Error('no head commit in the model');
    model.commits.set(realHead, { ...modelHead, sha: realHead });
    model.refs.set(`heads/${submission.head}`, realHead);
    return { number: submission.number, realHead };
  };

  it('requests the reviewers a pending pull request waits for and merges a passing one with its sha', async () => {
    const user = registryBuilder().user('kim').registryFiles()['users/kim.yaml'];
    const runner = registryBuilder().runner('alice', 'r1').registryFiles()['runners/alice/r1.yaml'];
    const pending = await openPull('registry/users/kim.yaml', user, 'Add user kim');
    const passing = await openPull('registry/runners/alice/r1.yaml', runner, 'Add runner alice/r1');
    const clone = join(reg.dir, 'bot');
    await execa('git', ['clone', '--quiet', reg.bare, clone]);

    const pass = await botPass(githubContext(forgeAs('bob'), 'bob', clone));
    expect(pass.failed).toBe(false);
    expect(pass.actions).toEqual([
      {
        number: pending.number,
        title: 'Add user kim',
        action: 'waiting',
        waitingFor: ['bob'],
        requested: ['bob'],
      },
      expect.objectContaining({ number: passing.number, action: 'merged', trailers: [] }),
    ]);
    expect(model.pull(pending.number)?.requested).toEqual(['bob']);
    expect(model.pull(passing.number)?.mergedSha).toBeDefined();
    // The model merges only when the sha sent is the pull request's head: the one the policy evaluated.
    expect(model.commit(model.pull(passing.number)?.mergedSha ?? '')?.parents[1]).toBe(passing.realHead);
    expect(harness.calls.map((call) => call.operationId)).toContain('pulls/request-reviewers');

    // The next pass asks nobody again (the pull request lists bob as requested already).
    const before = harness.calls.length;
    const again = await botPass(githubContext(forgeAs('bob'), 'bob', clone));
    expect(again.actions).toEqual([expect.objectContaining({ number: pending.number, requested: [] })]);
    expect(harness.calls.slice(before).map((call) => call.operationId)).not.toContain(
      'pulls/request-reviewers',
    );
    // The first test of a process also parses GitHub's 13 MB description.
  }, 180_000);

  it('a head that moved on GitHub after the policy read it makes pulls.merge refuse (409): head-moved', async () => {
    const runner = registryBuilder().runner('alice', 'r1').registryFiles()['runners/alice/r1.yaml'];
    const opened = await openPull('registry/runners/alice/r1.yaml', runner, 'Add runner alice/r1');
    const clone = join(reg.dir, 'bot');
    await execa('git', ['clone', '--quiet', reg.bare, clone]);
    // A push GitHub has and the clone's fetch did not see: what the bot evaluated is no longer the head.
    const head = model.pull(opened.number)?.head ?? '';
    model.push(head, { 'registry/runners/alice/r1.yaml': `${runner}# changed\n` }, 'alice');
    const pass = await botPass(githubContext(forgeAs('bob'), 'bob', clone));
    expect(pass.actions).toEqual([expect.objectContaining({ number: opened.number, action: 'head-moved' })]);
    expect(pass.failed).toBe(false);
    expect(model.pull(opened.number)?.state).toBe('open');
  });
});

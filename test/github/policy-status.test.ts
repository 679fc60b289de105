import { describe, expect, it } from 'vitest';
import type { ActionsEnvironment } from '../../cli/src/forge/github/actions-environment.js';
import { GitHubForge } from '../../cli/src/forge/github/github-forge.js';
import { pullRequestsOfEvent } from '../../cli/src/submission/policy-status.js';
import { GitHubModel } from '../forge/github/github-model.js';
import { createContractFetch } from '../helpers/openapi-github.js';

function setup() {
  const model = new GitHubModel('medperf', 'registry');
  model.addUser('lee');
  const harness = createContractFetch(model.handle);
  const forge = new GitHubForge({
    owner: 'medperf',
    repo: 'registry',
    token: 'token-lee',
    fetch: harness.fetch,
    tuning: { retryAfterBaseMs: 1, paceWrites: false },
  });
  const actions = (eventName: string, event: Record<string, unknown>): ActionsEnvironment => ({
    repository: 'medperf/registry',
    eventName,
    event,
    apiUrl: 'https://api.github.com',
    env: {},
  });
  return { harness, forge, actions };
}

describe('which pull request a policy-status run is about', () => {
  it('the numbers workflow_run lists; a fork (none listed) by its head branch; not a merge-queue run', async () => {
    const { harness, forge, actions } = setup();
    const opened = await forge.openSubmission({
      title: 'Add MLCube lee/x',
      body: 'x',
      author: 'lee',
      files: [{ path: 'registry/mlcubes/lee/x.yaml', content: 'kind: MLCube\n' }],
    });
    const run = (extra: Record<string, unknown>) => ({
      workflow_run: { name: 'check', event: 'pull_request', pull_requests: [], ...extra },
      repository: { id: 1 },
    });
    const listed = await pullRequestsOfEvent(
      actions('workflow_run', run({ pull_requests: [{ number: opened.number, base: { repo: { id: 1 } } }] })),
      forge,
    );
    expect(listed.numbers).toEqual([opened.number]);
    const fork = await pullRequestsOfEvent(
      actions(
        'workflow_run',
        run({
          head_branch: opened.head,
          head_sha: opened.headSha,
          head_repository: { owner: { login: 'medperf' } },
        }),
      ),
      forge,
    );
    expect(fork.numbers).toEqual([opened.number]);
    const queue = await pullRequestsOfEvent(actions('workflow_run', run({ event: 'merge_group' })), forge);
    expect(queue.numbers).toEqual([]);
    expect(queue.skipped).toMatch(/merge_group/);
    // A pull request from another repository's run is not this repository's.
    const foreign = await pullRequestsOfEvent(
      actions(
        'workflow_run',
        run({
          pull_requests: [{ number: 7, base: { repo: { id: 99 } } }],
          head_branch: 'nope',
          head_repository: { owner: { login: 'medperf' } },
        }),
      ),
      forge,
    );
    expect(foreign.numbers).toEqual([]);
    expect(harness.violations).toEqual([]);
  });
});

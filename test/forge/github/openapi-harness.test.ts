/**
 * The contract harness must be able to fail: these tests send requests GitHub's description does not
 * allow, and answer with responses it does not describe, and check each is refused and recorded.
 */
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import {
  type ContractHandler,
  createContractFetch,
  operationIdOf,
  sampleComponent,
  validateAt,
} from '../../helpers/openapi-github.js';

const repo = { owner: 'medperf', repo: 'registry' };

function client(handler: ContractHandler) {
  const harness = createContractFetch(handler);
  const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const octokit = new Octokit({ auth: 't', request: { fetch: harness.fetch }, log });
  return { harness, octokit };
}

/** A handler that answers every call with the description's own minimal sample, and counts calls. */
function samples() {
  const seen: string[] = [];
  const handler: ContractHandler = (req) => {
    seen.push(req.operationId);
    const status = req.operationId === 'pulls/create' ? 201 : 200;
    return { status, body: req.sample(status) };
  };
  return { seen, handler };
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    return (e as { status: number }).status;
  }
}

describe('requests', () => {
  it('passes a request the description allows, with typed parameters, to the handler', async () => {
    let seen: unknown;
    const { harness, octokit } = client((req) => {
      seen = { params: req.params, query: req.query, body: req.body, template: req.template };
      return { status: 200, body: req.sample(200) };
    });
    const { data } = await octokit.pulls.merge({
      ...repo,
      pull_number: 7,
      sha: 'abc',
      merge_method: 'merge',
    });
    expect(data).toEqual(sampleComponent('pull-request-merge-result'));
    expect(seen).toEqual({
      params: { owner: 'medperf', repo: 'registry', pull_number: 7 },
      query: {},
      body: { sha: 'abc', merge_method: 'merge' },
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
    });
    expect(harness.violations).toEqual([]);
    expect([...harness.validated]).toEqual(['pulls/merge']);
  });

  it('refuses a route GitHub does not have', async () => {
    const { seen, handler } = samples();
    const { harness, octokit } = client(handler);
    expect(await status(octokit.request('GET /repos/{owner}/{repo}/pull-requests', repo))).toBe(400);
    expect(await status(octokit.request('DELETE /repos/{owner}/{repo}/pulls/{n}', { ...repo, n: 1 }))).toBe(
      400,
    );
    expect(harness.violations).toHaveLength(2);
    expect(harness.violations[0]).toContain('no operation');
    expect(seen).toEqual([]);
  });

  it('refuses a body field of the wrong type, an unknown value and a misspelled field', async () => {
    const { seen, handler } = samples();
    const { harness, octokit } = client(handler);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed requests the types would reject.
    const loose = octokit as any;
    expect(await status(loose.pulls.merge({ ...repo, pull_number: 1, sha: 123 }))).toBe(400);
    expect(await status(loose.pulls.merge({ ...repo, pull_number: 1, merge_method: 'fast-forward' }))).toBe(
      400,
    );
    expect(await status(loose.pulls.createReview({ ...repo, pull_number: 1, evnt: 'APPROVE' }))).toBe(400);
    expect(await status(loose.git.createRef({ ...repo, ref: 'refs/heads/x' }))).toBe(400);
    const entry = { path: 'a.yaml', mode: '100644', type: 'blob', contnet: 'x' };
    expect(await status(loose.git.createTree({ ...repo, tree: [entry] }))).toBe(400);
    expect(harness.violations).toHaveLength(5);
    expect(harness.violations[0]).toMatch(/body: \/sha must be string/);
    expect(harness.violations[1]).toMatch(/merge_method must be equal to one of the allowed values/);
    expect(harness.violations[2]).toContain('unknown field "evnt"');
    expect(harness.violations[3]).toMatch(/must have required property 'sha'/);
    expect(harness.violations[4]).toContain('unknown field "tree/0/contnet"');
    expect(seen).toEqual([]);
  });

  it('refuses unknown query parameters and badly typed path parameters', async () => {
    const { seen, handler } = samples();
    const { harness, octokit } = client(handler);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed requests the types would reject.
    const loose = octokit as any;
    expect(await status(loose.pulls.list({ ...repo, stat: 'open' }))).toBe(400);
    expect(await status(loose.pulls.list({ ...repo, state: 'merged' }))).toBe(400);
    expect(await status(loose.pulls.get({ ...repo, pull_number: 'one' }))).toBe(400);
    expect(harness.violations[0]).toContain('unknown query parameter "stat"');
    expect(harness.violations[1]).toContain('query parameter state');
    expect(harness.violations[2]).toContain('path parameter pull_number');
    expect(seen).toEqual([]);
  });
});

describe('responses', () => {
  it('refuses an answer that does not match the response schema', async () => {
    const { harness, octokit } = client((req) => ({
      status: 200,
      body: { ...(req.sample(200) as object), number: 'one' },
    }));
    expect(await status(octokit.pulls.get({ ...repo, pull_number: 1 }))).toBe(400);
    expect(harness.violations[0]).toMatch(/response 200: \/number must be integer/);
    expect(harness.validated.size).toBe(0);
  });

  it('refuses an invented answer missing required fields', async () => {
    const { harness, octokit } = client(() => ({ status: 200, body: { number: 1, state: 'open' } }));
    expect(await status(octokit.pulls.get({ ...repo, pull_number: 1 }))).toBe(400);
    expect(harness.violations[0]).toMatch(/must have required property/);
  });

  it('refuses a status the operation never answers, and an ill-shaped error', async () => {
    const { harness, octokit } = client((req) =>
      req.operationId === 'pulls/get'
        ? { status: 201, body: req.sample(200) }
        : { status: 404, body: 'gone' },
    );
    expect(await status(octokit.pulls.get({ ...repo, pull_number: 1 }))).toBe(400);
    expect(await status(octokit.pulls.listReviews({ ...repo, pull_number: 1 }))).toBe(400);
    expect(harness.violations[0]).toContain('never answers 201');
    expect(harness.violations[1]).toContain('response 404');
  });

  it('lets GitHub’s generic failures through when they are shaped as GitHub errors', async () => {
    const { harness, octokit } = client(() => ({
      status: 404,
      body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
    }));
    expect(await status(octokit.pulls.listReviews({ ...repo, pull_number: 1 }))).toBe(404);
    expect(harness.violations).toEqual([]);
  });
});

describe('helpers', () => {
  it('builds samples that validate against their schemas', () => {
    for (const name of [
      'pull-request',
      'pull-request-simple',
      'pull-request-review',
      'full-repository',
      'status',
    ]) {
      expect(validateAt(`/components/schemas/${name}`, sampleComponent(name))).toEqual([]);
    }
    expect(validateAt('/components/schemas/pull-request', { number: 1 })).not.toEqual([]);
  });

  it('names operations as the description does', () => {
    expect(operationIdOf('pulls.listReviews')).toBe('pulls/list-reviews');
    expect(operationIdOf('repos.createCommitStatus')).toBe('repos/create-commit-status');
    expect(operationIdOf('users.getAuthenticated')).toBe('users/get-authenticated');
  });
});

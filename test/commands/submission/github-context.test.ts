import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Forge, Submission } from '../../../cli/src/forge/forge.js';
import { evaluatePolicy } from '../../../cli/src/policy/index.js';
import { githubContext } from '../../../cli/src/submission/context.js';
import { forecast } from '../../../cli/src/submission/open.js';
import { git, gitEnv } from '../../forge/local/helpers.js';
import { makeConsortium, userYaml } from './fixture.js';

// The GitHub side of the submission context only uses git: it fetches the base branch and GitHub's
// `refs/pull/<n>/head` from `origin` into the clone the command runs in. A bare repository laid out
// like GitHub's (a pull request head under refs/pull/1/head) exercises exactly that.
describe('GitHub submission context (policy reads a clone)', () => {
  let reg: Awaited<ReturnType<typeof makeConsortium>>;
  let clone: string;
  let head: string;
  beforeEach(async () => {
    reg = await makeConsortium();
    const work = join(reg.dir, 'author');
    await execa('git', ['clone', '--quiet', reg.bare, work]);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(work, 'registry/users/kim.yaml'), userYaml('kim'));
    const env = gitEnv('lee');
    await execa('git', ['-C', work, 'add', '-A'], { env });
    await execa('git', ['-C', work, 'commit', '--quiet', '-m', 'Add user kim'], { env });
    await execa('git', ['-C', work, 'push', '--quiet', 'origin', 'HEAD:refs/pull/1/head'], { env });
    head = await git(join(work, '.git'), 'rev-parse', 'HEAD');
    clone = join(reg.dir, 'reviewer');
    await execa('git', ['clone', '--quiet', reg.bare, clone]);
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  // Only the forge's identity matters to the context; it never calls the forge.
  const forge = { kind: 'github' } as unknown as Forge;

  it('fetches the pull request head and base into the clone, and the policy decides on them', async () => {
    const ctx = githubContext(forge, 'ada', join(clone, 'registry'));
    const sub = { number: 1, base: 'main', author: 'lee' } as Submission;
    const refs = await ctx.policyRefs(sub);
    expect(refs.repoDir).toBe(clone);
    expect(await git(join(clone, '.git'), 'rev-parse', refs.headRef)).toBe(head);
    const d = await evaluatePolicy({ ...refs, author: 'lee', reviews: [] });
    expect(d.status).toBe('pending');
    expect(d.required.map((r) => r.who)).toEqual([['ada']]);
    const f = await forecast(ctx, [{ path: 'registry/users/bob.yaml', content: userYaml('bob') }], 'lee');
    expect(f.baseSha).toBe(await git(reg.bare, 'rev-parse', 'main'));
    expect(f.decision.required.map((r) => r.code)).toEqual(['approval.admin']);
  });

  it('outside a clone it says to run inside one', async () => {
    const ctx = githubContext(forge, 'ada', reg.dir);
    await expect(ctx.baseState()).rejects.toMatchObject({ diagnostic: { code: 'submission.no-clone' } });
  });
});

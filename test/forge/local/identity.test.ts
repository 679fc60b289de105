// Identities on the local forge (issue 12, item 3), each an attack through real git and real processes:
// a profile claiming to be the admin without the admin's key, a plain push to main, a forged review in the
// submission metadata. The registry comes from `gitperf init --local`, so its bare repository carries the
// real pre-receive hook (it runs cli/bin/run.js: `npm run build` first).
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitperfError } from '../../../cli/src/diagnostics/diagnostic.js';
import type { LocalForge } from '../../../cli/src/forge/local/local-forge.js';
import { homeLayout } from '../../../cli/src/infra/gitperf-home.js';
import { initRegistry } from '../../../cli/src/init/scaffold.js';
import { ensureMemberKey } from '../../../cli/src/profile/profile.js';
import {
  evaluateSubmission,
  mergeSubmission,
  openEntitySubmission,
  openLocalContext,
  reviewSubmission,
  type SubmissionContext,
} from '../../../cli/src/submission/index.js';
import { signReviewRecord } from '../../../cli/src/trust/index.js';
import { parsePrivateKey } from '../../../cli/src/trust/openssh-private-key.js';
import { git } from './helpers.js';

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GitperfError) return { code: e.diagnostic.code, message: e.diagnostic.message };
    throw e;
  }
  throw new Error('expected a GitperfError');
}

const userFile = (login: string, key: string, admin = false) =>
  `apiVersion: gitperf/v1\nkind: User\nmetadata:\n  name: ${login}\nspec:\n${admin ? '  roles:\n    - admin\n' : ''}  sshKeys:\n    - ${key}\n`;

describe('identities on the local forge', () => {
  let tmp: string;
  let bare: string;
  let clone: string;
  let home: string; // the real members' keys
  let impostorHome: string; // someone else's machine, with a profile that says it is ada
  let savedHome: string | undefined;
  const key = (login: string, at = home) => homeLayout(at).userKey(login);
  const as = (login: string, at = home): Promise<SubmissionContext> =>
    openLocalContext(bare, login, key(login, at));
  /** The same registry over a file:// URL: writes are `git push`es, so the pre-receive hook sees them. */
  const overUrl = (login: string, at = home): Promise<SubmissionContext> =>
    openLocalContext(`file://${bare}`, login, key(login, at));

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gitperf-identity-'));
    home = join(tmp, 'home');
    impostorHome = join(tmp, 'impostor');
    savedHome = process.env.GITPERF_HOME;
    process.env.GITPERF_HOME = home; // URL caches live here
    clone = join(tmp, 'registry');
    bare = join(tmp, 'registry.git');
    await initRegistry({ dir: clone, admin: 'ada', local: { bare, profile: 'ada', home } });
    // lee is a member: ada registers him with the key his profile made.
    const leeKey = (await ensureMemberKey('lee', home)).publicKeyLine;
    await ensureMemberKey('ada', impostorHome);
    const ada = await as('ada');
    const o = await openEntitySubmission(ada, {
      files: [{ path: 'registry/users/lee.yaml', content: userFile('lee', leeKey) }],
    });
    await mergeSubmission(ada, o.submission.number);
  }, 180_000);
  afterAll(async () => {
    if (savedHome === undefined) delete process.env.GITPERF_HOME;
    else process.env.GITPERF_HOME = savedHome;
    await rm(tmp, { recursive: true, force: true });
  });

  it('init --local registers the admin key (0600 under $GITPERF_HOME/keys) and installs an executable pre-receive hook', async () => {
    const adaYaml = await git(bare, 'show', 'main:registry/users/ada.yaml');
    const pub = (await readFile(`${key('ada')}.pub`, 'utf8')).trim();
    expect(adaYaml).toContain(pub);
    expect((await stat(key('ada'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(bare, 'hooks', 'pre-receive'))).mode & 0o111).not.toBe(0);
  });

  /** lee asks to become admin: that needs an admin's approval. */
  const selfPromotion = async () => {
    const lee = await as('lee');
    const leeKey = (await readFile(`${key('lee')}.pub`, 'utf8')).trim();
    const o = await openEntitySubmission(lee, {
      files: [{ path: 'registry/users/lee.yaml', content: userFile('lee', leeKey, true) }],
    });
    expect(o.decision.status).toBe('pending');
    return o.submission.number;
  };

  it('a profile claiming to be ada without her key cannot approve a self-promotion, nor merge it', async () => {
    const number = await selfPromotion();
    const impostor = await as('ada', impostorHome);
    const review = await reviewSubmission(impostor, number, 'APPROVE');
    expect(review.decision.status).toBe('pending');
    expect(review.decision.uncountedReviews).toEqual([
      {
        reviewer: 'ada',
        why: 'review by ada not counted: signature does not verify against registry/users/ada.yaml',
      },
    ]);
    expect(review.note).toMatch(/review by ada not counted/);
    const refused = await failure(mergeSubmission(impostor, number));
    expect(refused.code).toBe('policy.pending');
    expect(refused.message).toMatch(/review by ada not counted: signature does not verify/);
    // Skipping the policy and merging with the forge itself, over the URL: the registry's hook refuses.
    const forge = (await overUrl('ada', impostorHome)).forge as LocalForge;
    const head = (await forge.getSubmission(number)).headSha;
    const mainBefore = await git(bare, 'rev-parse', 'main');
    const pushed = await forge.merge(number, { expectedHeadSha: head, title: 'Merge', trailers: [] }).then(
      () => 'merged',
      (e: Error) => e.message,
    );
    expect(pushed).toMatch(/pre-receive hook declined/);
    expect(pushed).toMatch(
      /the merge of submission #\d+ by ada is not counted: signature does not verify against registry\/users\/ada\.yaml/,
    );
    expect(await git(bare, 'rev-parse', 'main')).toBe(mainBefore);
    expect((await forge.getSubmission(number)).state).toBe('open');
    // The real ada's approval counts, and her merge passes the hook.
    const realAda = await overUrl('ada');
    expect((await reviewSubmission(realAda, number, 'APPROVE')).decision.status).toBe('pass');
    const merged = await mergeSubmission(realAda, number);
    expect(await git(bare, 'rev-parse', 'main')).toBe(merged.sha);
    expect(merged.trailers).toEqual(['Approved-by: ada']);
  }, 240_000);

  it('a plain `git push origin HEAD:main` is refused by the hook, saying how to submit instead', async () => {
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'x',
      GIT_AUTHOR_EMAIL: 'x@x',
      GIT_COMMITTER_NAME: 'x',
      GIT_COMMITTER_EMAIL: 'x@x',
    };
    const g = (...args: string[]) => execa('git', ['-C', clone, ...args], { env, reject: false });
    await g('pull', '-q', 'origin', 'main');
    const mainBefore = await git(bare, 'rev-parse', 'main');
    await execa(
      'sh',
      [
        '-c',
        `printf 'apiVersion: gitperf/v1\\nkind: User\\nmetadata:\\n  name: mallory\\nspec:\\n  roles: [admin]\\n' > registry/users/mallory.yaml`,
      ],
      { cwd: clone },
    );
    await g('add', '-A');
    await g('commit', '-qm', 'mallory becomes admin');
    const pushed = await g('push', 'origin', 'HEAD:main');
    expect(pushed.exitCode).not.toBe(0);
    expect(pushed.stderr).toMatch(/pre-receive hook declined/);
    expect(pushed.stderr).toMatch(/a push cannot move main .*it is not the forge's merge of a submission/);
    expect(pushed.stderr).toMatch(/gitperf submission open/);
    // A merge commit made by hand, with a submission head as its second parent, is no better.
    const fake = await g('merge', '-q', '--no-edit', 'refs/remotes/origin/main');
    expect(fake.exitCode).toBe(0);
    expect((await g('push', 'origin', 'HEAD:main', '--force')).exitCode).not.toBe(0);
    expect((await g('push', 'origin', ':main')).stderr).toMatch(
      /cannot be deleted|refusing to delete|declined/,
    );
    expect(await git(bare, 'rev-parse', 'main')).toBe(mainBefore);
    await g('reset', '-q', '--hard', mainBefore);
  }, 120_000);

  it('a forged review in the metadata is not counted, and pushing one is refused', async () => {
    // lee submits a new member: that needs ada's approval.
    const kimKey = (await ensureMemberKey('kim', impostorHome)).publicKeyLine;
    const opened = await openEntitySubmission(await as('lee'), {
      files: [{ path: 'registry/users/kim.yaml', content: userFile('kim', kimKey) }],
    });
    expect(opened.decision.status).toBe('pending');
    const number = opened.submission.number;
    const metaRef = `refs/gitperf/pulls/${number}/meta`;
    const head = await git(bare, 'rev-parse', `refs/gitperf/pulls/${number}/head`);
    const metaSha = await git(bare, 'rev-parse', metaRef);
    const meta = JSON.parse(await git(bare, 'show', `${metaRef}:meta.json`));
    const record = {
      submission: number,
      headSha: head,
      reviewer: 'ada',
      state: 'APPROVED',
      submittedAt: new Date().toISOString(),
    };
    // Signed with the impostor's key (a valid SSHSIG, by the wrong key), and one not signed at all.
    const wrongKey = parsePrivateKey(await readFile(key('ada', impostorHome), 'utf8'));
    const forgedMeta = async (review: Record<string, unknown>) => {
      const next = { ...meta, reviews: [...meta.reviews, review] };
      const blob = (
        await execa('git', ['--git-dir', bare, 'hash-object', '-w', '--stdin'], {
          input: `${JSON.stringify(next, null, 2)}\n`,
        })
      ).stdout.trim();
      const tree = (
        await execa('git', ['--git-dir', bare, 'mktree'], { input: `100644 blob ${blob}\tmeta.json\n` })
      ).stdout.trim();
      return (
        await execa('git', [
          '--git-dir',
          bare,
          '-c',
          'user.name=x',
          '-c',
          'user.email=x@x',
          'commit-tree',
          tree,
          '-p',
          metaSha,
          '-m',
          'approve',
        ])
      ).stdout.trim();
    };
    const signedByWrongKey = await forgedMeta({
      reviewer: 'ada',
      state: 'APPROVED',
      commitSha: head,
      submittedAt: record.submittedAt,
      signature: signReviewRecord(record, wrongKey),
    });
    const unsigned = await forgedMeta({
      reviewer: 'ada',
      state: 'APPROVED',
      commitSha: head,
      submittedAt: record.submittedAt,
    });

    // Pushed to the registry: the hook refuses both.
    for (const forged of [signedByWrongKey, unsigned]) {
      const pushed = await execa(
        'git',
        ['--git-dir', bare, 'push', `file://${bare}`, `${forged}:${metaRef}`],
        { reject: false },
      );
      expect(pushed.exitCode).not.toBe(0);
      expect(pushed.stderr).toMatch(/refused a forged review: review by ada not counted/);
    }
    expect(await git(bare, 'rev-parse', metaRef)).toBe(metaSha);

    // Written straight into the repository's files (no hook can see that): the policy does not count it.
    for (const [forged, why] of [
      [signedByWrongKey, 'signature does not verify against registry/users/ada.yaml'],
      [unsigned, 'it is not signed'],
    ] as const) {
      await execa('git', ['--git-dir', bare, 'update-ref', metaRef, forged]);
      const e = await evaluateSubmission(await as('lee'), number);
      expect(e.decision.status).toBe('pending');
      expect(e.decision.uncountedReviews).toEqual([
        { reviewer: 'ada', why: `review by ada not counted: ${why}` },
      ]);
      expect((await failure(mergeSubmission(await as('lee'), number))).code).toBe('policy.pending');
    }
    await execa('git', ['--git-dir', bare, 'update-ref', metaRef, metaSha]);
  }, 180_000);
});

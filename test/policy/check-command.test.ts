import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { evaluatePolicy } from '../../cli/src/policy/index.js';
import { runCli } from '../helpers/cli.js';
import { cube, modelAssoc, P, user } from './helpers/registry.js';
import { type BuiltScenario, buildRepo, cleanupTemplates } from './helpers/scenario.js';

const B = 'bc-diagnosis';

describe('gitperf policy check (whole process)', () => {
  let repo: BuiltScenario;
  const tmp = mkdtempSync(join(tmpdir(), 'gitperf-policy-cli-'));
  beforeAll(async () => {
    // kim requests an association (needs the committee), and a second push after a first review.
    repo = await buildRepo({
      head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump')),
      secondPush: (f) =>
        f.edit(P.model(B, 'kim/bc-stump'), (e) => {
          e.metadata.description = 'v2';
        }),
    });
  });
  afterAll(() => {
    repo.cleanup();
    cleanupTemplates();
    rmSync(tmp, { recursive: true, force: true });
  });
  const check = (args: string[], env: Record<string, string> = {}) =>
    runCli(['policy', 'check', '--base', repo.baseSha, '--head', repo.headSha, ...args], {
      cwd: repo.dir,
      env,
    });

  it('exits 3 (pending) and names the approvers', async () => {
    const r = await check(['--author', 'kim']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain(
      'needs an approving review from a committee member of benchmark bc-diagnosis: @ana or @raj',
    );
  });

  it('--pending-ok exits 0 on pending only; --decision-file writes what --json prints', async () => {
    const file = join(tmp, 'decision.json');
    const r = await check(
      ['--author', 'kim', '--format', 'github', '--decision-file', file, '--pending-ok'],
      {
        GITHUB_STEP_SUMMARY: join(tmp, 'pending-summary.md'),
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const json = await check(['--author', 'kim', '--json']);
    expect(json.exitCode).toBe(3);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(json.stdout));
    // A broken rule still fails.
    expect((await check(['--author', 'lee', '--pending-ok', '--decision-file', file])).exitCode).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).status).toBe('fail');
  });

  it('exits 0 with an approval on the head', async () => {
    const r = await check(['--author', 'kim', '--review', 'raj:APPROVED']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  it('an approval of the first push no longer counts', async () => {
    const r = await check(['--author', 'kim', '--review', `raj:approved@${repo.firstHeadSha}`, '--json']);
    expect(r.exitCode).toBe(3);
    const d = JSON.parse(r.stdout);
    expect(d.status).toBe('pending');
    expect(d.staleApprovals).toEqual(['raj']);
    expect(d.required[0]).toMatchObject({ code: 'approval.committee', who: ['ana', 'raj'] });
    expect(d.changes).toEqual([
      { path: P.model(B, 'kim/bc-stump'), kind: 'ModelAssociation', action: 'added', fields: [] },
    ]);
  });

  it('reads GitHub review JSON from --reviews-file', async () => {
    const file = join(tmp, 'reviews.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          user: { login: 'ana' },
          state: 'APPROVED',
          commit_id: repo.headSha,
          submitted_at: '2026-11-01T10:00:00Z',
        },
        {
          user: { login: 'ana' },
          state: 'COMMENTED',
          commit_id: repo.headSha,
          submitted_at: '2026-11-01T11:00:00Z',
        },
      ]),
    );
    const r = await check(['--author', 'kim', '--reviews-file', file]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  it('exits 1 (fail) for an author outside both sides, with annotations and a step summary', async () => {
    const summary = join(tmp, 'summary.md');
    const r = await check(['--author', 'lee', '--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=registry\/benchmarks\/bc-diagnosis\/models\/kim\.bc-stump\.yaml,title=policy\.not-party::/m,
    );
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('## ❌ gitperf policy: fail');
    expect(md).toContain('`policy.not-party`');
  });

  it('exits 2 on usage errors: bad review, unknown ref, missing author', async () => {
    expect((await check(['--author', 'kim', '--review', 'raj-approved'])).exitCode).toBe(2);
    const bad = await runCli(['policy', 'check', '--base', 'no-such-ref', '--author', 'kim'], {
      cwd: repo.dir,
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('git.bad-ref');
    expect((await check([])).exitCode).toBe(2);
  });
});

describe('gitperf policy check --format github with a hostile path', () => {
  // A pull request may name a file `x\n::error ...`: git allows line breaks in paths, and GitHub runs any
  // log line that starts with `::` as a workflow command (a forged annotation, or ::stop-commands:: to hide ours).
  const forged = '::error title=forged::all good';
  let repo: BuiltScenario;
  beforeAll(async () => {
    repo = await buildRepo({
      head: (f) => f.set(`registry/notes\n${forged}.yaml`, 'a: 1\n'),
    });
  });
  afterAll(() => {
    repo.cleanup();
    cleanupTemplates();
  });

  it('prints the decision text so that no line of it runs as a workflow command', async () => {
    const r = await runCli(
      [
        'policy',
        'check',
        '--base',
        repo.baseSha,
        '--head',
        repo.headSha,
        '--author',
        'kim',
        '--format',
        'github',
      ],
      { cwd: repo.dir, env: { GITHUB_STEP_SUMMARY: '' } },
    );
    expect(r.exitCode, r.stderr).toBe(1);
    const lines = r.stdout.split('\n');
    // The path is quoted in the decision text and the summary, on a line of its own (the break is real) ...
    expect(lines.filter((line) => line.startsWith(forged)).length).toBeGreaterThan(0);
    // ... but only inside stop-commands blocks, each closed by its one-time token on a later line.
    let token: string | undefined;
    let blocks = 0;
    for (const line of lines) {
      if (token) {
        if (line === `::${token}::`) token = undefined;
        continue;
      }
      const opening = /^::stop-commands::([0-9a-f]{32})$/.exec(line);
      if (opening) {
        token = opening[1];
        blocks++;
        continue;
      }
      // Outside a block, every command is one of ours: an annotation whose data is escaped onto one line.
      if (line.startsWith('::'))
        expect(line).toMatch(/^::(error|warning) file=registry\/notes%0A%3A%3Aerror /);
    }
    expect(token).toBeUndefined();
    expect(blocks).toBe(2); // the decision text and the summary (no GITHUB_STEP_SUMMARY file)
  });
});

describe('evaluatePolicy details', () => {
  afterAll(cleanupTemplates);

  it('points violations at the line of the frozen field', async () => {
    const repo = await buildRepo({
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (e) => {
          (e.spec.manifest as Record<string, string>).sha256 = `sha256:${'f'.repeat(64)}`;
        }),
    });
    try {
      const d = await evaluatePolicy({
        repoDir: repo.dir,
        baseRef: repo.baseSha,
        headRef: repo.headSha,
        author: 'lee',
        reviews: [],
      });
      const v = d.violations.find((x) => x.code === 'policy.frozen-field');
      const text = readFileSync(join(repo.dir, P.cube('lee/bc-centroid')), 'utf8').split('\n');
      expect(v?.file).toBe(P.cube('lee/bc-centroid'));
      expect(text[(v?.line ?? 0) - 1]).toMatch(/^\s+sha256:/);
      expect(d.changes[0].fields).toEqual(['spec.manifest.sha256']);
    } finally {
      repo.cleanup();
    }
  });

  it("diffs from the merge base: changes merged to main after the branch point are not the author's", async () => {
    const repo = await buildRepo({ head: (f) => f.set(P.cube('lee/new-cube'), cube('lee', 'new-cube')) });
    try {
      const git = simpleGit(repo.dir);
      // main moves on (an admin adds a user) after the pull request branched.
      await git.raw(['checkout', '-q', '-b', 'main2', repo.baseSha]);
      writeFileSync(join(repo.dir, P.user('zed')), stringify(user('zed')));
      await git.add(['-A']);
      await git.commit('add zed');
      const d = await evaluatePolicy({
        repoDir: repo.dir,
        baseRef: 'main2',
        headRef: repo.headSha,
        author: 'lee',
        reviews: [],
      });
      expect(d.changes.map((c) => c.path)).toEqual([P.cube('lee/new-cube')]);
      expect(d.status).toBe('pass');
      expect(d.mergeBaseSha).toBe(repo.baseSha);
    } finally {
      repo.cleanup();
    }
  });
});

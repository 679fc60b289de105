import { describe, expect, it } from 'vitest';
import type { Review } from '../../cli/src/forge/forge.js';
import { changedFields, reduceReviews } from '../../cli/src/policy/index.js';
import { parseReviewFlag } from '../../cli/src/policy/review-input.js';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const r = (reviewer: string, state: Review['state'], commitSha: string, minute: number): Review => ({
  reviewer,
  state,
  commitSha,
  submittedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
});

describe('review reduction', () => {
  it("keeps each reviewer's latest verdict, ignoring later comments", () => {
    const v = reduceReviews(
      [
        r('ana', 'APPROVED', HEAD, 1),
        r('ana', 'COMMENTED', HEAD, 2),
        r('raj', 'APPROVED', HEAD, 1),
        r('raj', 'CHANGES_REQUESTED', HEAD, 3),
      ],
      HEAD,
    );
    expect([...v.approvedBy]).toEqual(['ana']);
    expect([...v.changesRequestedBy]).toEqual(['raj']);
  });
  it('orders by submission time, not input order', () => {
    const v = reduceReviews([r('ana', 'APPROVED', HEAD, 5), r('ana', 'DISMISSED', HEAD, 1)], HEAD);
    expect([...v.approvedBy]).toEqual(['ana']);
  });
  it('counts approvals only on the head commit, named by its full id', () => {
    const v = reduceReviews(
      [r('ana', 'APPROVED', OLD, 1), r('Raj', 'APPROVED', HEAD.toUpperCase(), 1)],
      HEAD,
    );
    expect([...v.approvedBy]).toEqual(['raj']);
    expect([...v.staleApprovalBy]).toEqual(['ana']);
    // An abbreviated sha (which could also name another commit) does not count as on the head.
    const abbreviated = reduceReviews([r('raj', 'APPROVED', HEAD.slice(0, 7), 1)], HEAD);
    expect(abbreviated.approvedBy.size).toBe(0);
  });
  it('a dismissed approval no longer counts', () => {
    const v = reduceReviews([r('ana', 'APPROVED', HEAD, 1), r('ana', 'DISMISSED', HEAD, 2)], HEAD);
    expect(v.approvedBy.size).toBe(0);
  });
  it('parses --review flags', () => {
    expect(parseReviewFlag('Ana:approved', HEAD, 0)).toMatchObject({
      ok: true,
      value: { reviewer: 'ana', state: 'APPROVED', commitSha: HEAD },
    });
    expect(parseReviewFlag(`raj:CHANGES_REQUESTED@${OLD}`, HEAD, 1)).toMatchObject({
      ok: true,
      value: { commitSha: OLD },
    });
    // A review is bound to a full commit id: an abbreviated sha is refused, not matched by prefix.
    for (const prefix of [OLD.slice(0, 7), OLD.slice(0, 39)])
      expect(parseReviewFlag(`raj:APPROVED@${prefix}`, HEAD, 1)).toMatchObject({
        ok: false,
        diagnostic: { code: 'policy.bad-review' },
      });
    // Any registry login, up to 63 characters (the local forge's logins may be longer than GitHub's 39).
    const longLogin = `ana-${'x'.repeat(41)}`;
    expect(parseReviewFlag(`${longLogin}:approved`, HEAD, 0)).toMatchObject({
      ok: true,
      value: { reviewer: longLogin },
    });
    for (const notALogin of ['x'.repeat(64), 'ana-'])
      expect(parseReviewFlag(`${notALogin}:approved`, HEAD, 0)).toMatchObject({ ok: false });
    expect(parseReviewFlag('raj:maybe', HEAD, 0)).toMatchObject({
      ok: false,
      diagnostic: { code: 'policy.bad-review' },
    });
  });
});

describe('changed fields', () => {
  it('reports leaves of objects, whole arrays, additions and removals', () => {
    const a = {
      metadata: { name: 'x', description: 'a' },
      spec: { committee: ['ana'], m: { auc: Number.NaN }, gone: 1 },
    };
    const b = {
      metadata: { name: 'x', description: 'b' },
      spec: { committee: ['ana', 'raj'], m: { auc: Number.NaN }, added: { x: 1 } },
    };
    expect(changedFields(a, b)).toEqual([
      'metadata.description',
      'spec.added',
      'spec.committee',
      'spec.gone',
    ]);
  });
});

describe('decide over in-memory states (no git)', async () => {
  const { decide, MemoryView } = await import('../../cli/src/policy/index.js');
  const { demoRegistry, render, P, cube } = await import('./helpers/registry.js');
  const files = (edit?: (m: Map<string, string>) => void) => {
    const m = new Map([...demoRegistry()].map(([p, v]) => [p, render(v)]));
    edit?.(m);
    return new MemoryView(m);
  };
  it('passes a self-service cube and names the admin for a workflow change', () => {
    const base = files();
    const head = files((m) => {
      m.set(P.cube('lee/fresh'), render(cube('lee', 'fresh')));
      m.set('.github/workflows/ci.yml', 'changed: true\n');
    });
    const d = decide({ base, head, author: 'lee', reviews: [], headSha: HEAD });
    expect(d.status).toBe('pending');
    expect(d.changes.map((c) => [c.path, c.action])).toEqual([
      ['.github/workflows/ci.yml', 'modified'],
      [P.cube('lee/fresh'), 'added'],
    ]);
    expect(d.required).toEqual([
      expect.objectContaining({ code: 'approval.admin', who: ['ada'], file: '.github/workflows/ci.yml' }),
    ]);
    const ok = decide({ base, head, author: 'lee', reviews: [r('ada', 'APPROVED', HEAD, 1)], headSha: HEAD });
    expect(ok.status).toBe('pass');
    expect(ok.approved[0]).toMatchObject({ code: 'approval.admin', by: ['ada'] });
  });
});

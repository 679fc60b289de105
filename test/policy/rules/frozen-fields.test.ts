import { describe, expect, it } from 'vitest';
import { P } from '../helpers/registry.js';
import { decideOver, violationCodes } from './decide-over.js';

describe('frozen fields and operation state', () => {
  it('a hash never changes once merged', () => {
    const decision = decideOver({
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (entity) => {
          (entity.spec.manifest as Record<string, string>).sha256 = `sha256:${'f'.repeat(64)}`;
        }),
    });
    expect(violationCodes(decision)).toEqual(['policy.frozen-field']);
    expect(decision.violations[0].line).toBeGreaterThan(1);
  });

  it('an operation cube changes only its editable fields; a development cube anything unfrozen', () => {
    const locked = decideOver({
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (entity) => {
          (entity.spec.image as Record<string, string>).reference = 'localhost/other:2';
        }),
    });
    expect(violationCodes(locked)).toEqual(['policy.operation-locked']);
    const editable = decideOver({
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/bc-centroid'), (entity) => {
          entity.spec.valid = false;
        }),
    });
    expect(editable.status).toBe('pass');
    const development = decideOver({
      author: 'lee',
      head: (f) =>
        f.edit(P.cube('lee/dev-cube'), (entity) => {
          (entity.spec.image as Record<string, string>).reference = 'localhost/other:2';
        }),
    });
    expect(development.status).toBe('pass');
  });

  it('names and owners are frozen for every kind', () => {
    const decision = decideOver({
      author: 'hospital-a',
      head: (f) =>
        f.edit(P.runner('hospital-a/runner-a'), (entity) => {
          entity.metadata.owner = 'hospital-b';
        }),
    });
    expect(violationCodes(decision)).toEqual(['policy.frozen-field']);
  });
});

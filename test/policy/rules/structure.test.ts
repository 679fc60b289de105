import { describe, expect, it } from 'vitest';
import { cube, P } from '../helpers/registry.js';
import { decideOver, violationCodes } from './decide-over.js';

describe('reading changed entities (decide alone)', () => {
  it('refuses YAML it cannot parse and runs no rule on it', () => {
    const decision = decideOver({
      author: 'kim',
      head: (f) => f.set(P.cube('lee/x'), 'kind: MLCube\nmetadata: [\n'),
    });
    expect(violationCodes(decision)).toEqual(['yaml.syntax']);
  });

  it('reports content failing its schema with the validator’s codes, and still applies the path’s owner rule', () => {
    const broken = { ...cube('lee', 'x'), spec: { state: 'retired' } };
    const decision = decideOver({ author: 'kim', head: (f) => f.set(P.cube('lee/x'), broken) });
    const codes = violationCodes(decision);
    expect(codes).toContain('policy.not-owner');
    expect(codes.filter((code) => code.startsWith('schema.')).length).toBeGreaterThan(0);
  });
});

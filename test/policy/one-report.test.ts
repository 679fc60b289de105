/**
 * One owner per rule: structure and references are the registry validator's, who may change what is
 * the policy's. Bad submissions run through the whole policy check (validator included, real git
 * repositories) and no problem is reported twice: never the same report twice, and never
 * a policy code beside a validator code for the same file and line (one problem, two names).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../cli/src/diagnostics/diagnostic.js';
import { benchmark, cube, datasetAssoc, modelAssoc, P, result, runner, user } from './helpers/registry.js';
import { cleanupTemplates, type FileEdit, runScenario } from './helpers/scenario.js';

const B = 'bc-diagnosis';

interface BadSubmission {
  author: string;
  head: (edit: FileEdit) => void;
  /** The code that must name the problem (once). */
  reported: string;
}

const BAD_SUBMISSIONS: Record<string, BadSubmission> = {
  'content owner disagrees with its folder': {
    author: 'lee',
    head: (f) => f.set(P.cube('lee/new-cube'), cube('kim', 'new-cube')),
    reported: 'layout.owner-mismatch',
  },
  'name disagrees with the file name': {
    author: 'lee',
    head: (f) => f.set(P.cube('lee/one'), cube('lee', 'other')),
    reported: 'layout.name-mismatch',
  },
  'a user file at an MLCube path': {
    author: 'lee',
    head: (f) => f.set(P.cube('lee/odd'), user('odd')),
    reported: 'layout.kind-mismatch',
  },
  'content failing the schema': {
    author: 'lee',
    head: (f) => f.set(P.cube('lee/x'), { ...cube('lee', 'x'), spec: { state: 'retired' } }),
    reported: 'schema.enum',
  },
  'broken YAML': {
    author: 'lee',
    head: (f) => f.set(P.cube('lee/x'), 'kind: MLCube\nmetadata: [unclosed\n'),
    reported: 'yaml.syntax',
  },
  'metadata.owner in upper case': {
    author: 'lee',
    head: (f) => f.set(P.cube('lee/y'), cube('Lee', 'y')),
    reported: 'schema.pattern',
  },
  'an upper-case path': {
    author: 'lee',
    head: (f) => f.set('registry/mlcubes/Lee/x.yaml', cube('lee', 'x')),
    reported: 'layout.upper-case',
  },
  'result without model association': {
    author: 'hospital-b',
    head: (f) =>
      f.set(P.result(B, 'hospital-b/wdbc-b', 'kim/bc-stump'), result(B, 'hospital-b/wdbc-b', 'kim/bc-stump')),
    reported: 'ref.not-associated',
  },
  'result without dataset association': {
    author: 'hospital-c',
    head: (f) =>
      f.set(
        P.result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
        result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
      ),
    reported: 'ref.not-associated',
  },
  'result for an association added in the same pull request': {
    author: 'hospital-c',
    head: (f) =>
      f
        .set(P.dsAssoc(B, 'hospital-c/wdbc-c'), datasetAssoc(B, 'hospital-c/wdbc-c'))
        .set(
          P.result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
          result(B, 'hospital-c/wdbc-c', 'lee/bc-centroid'),
        ),
    reported: 'policy.association-not-merged',
  },
  'result in a benchmark that exists nowhere': {
    author: 'hospital-a',
    head: (f) =>
      f.set(
        P.result('ghost-bench', 'hospital-a/wdbc-a', 'lee/bc-centroid'),
        result('ghost-bench', 'hospital-a/wdbc-a', 'lee/bc-centroid'),
      ),
    reported: 'ref.unresolved',
  },
  'association with a benchmark that exists nowhere': {
    author: 'kim',
    head: (f) => f.set(P.model('ghost-bench', 'kim/bc-stump'), modelAssoc('ghost-bench', 'kim/bc-stump')),
    reported: 'ref.unresolved',
  },
  'association with a benchmark of the same pull request': {
    author: 'kim',
    head: (f) =>
      f
        .set(P.bench('new-bench'), benchmark('new-bench', 'kim', ['kim']))
        .set(P.model('new-bench', 'kim/bc-stump'), modelAssoc('new-bench', 'kim/bc-stump')),
    reported: 'policy.benchmark-not-merged',
  },
  'association of a cube that exists nowhere': {
    author: 'kim',
    head: (f) => f.set(P.model(B, 'kim/ghost'), modelAssoc(B, 'kim/ghost')),
    reported: 'ref.unresolved',
  },
  'dataset prepared by another preparator': {
    author: 'hospital-c',
    head: (f) => f.set(P.dsAssoc(B, 'hospital-c/other-prep'), datasetAssoc(B, 'hospital-c/other-prep')),
    reported: 'ref.preparator-mismatch',
  },
  'benchmark with a missing cube and an unknown committee member': {
    author: 'ana',
    head: (f) =>
      f.set(
        P.bench('new-bench'),
        benchmark('new-bench', 'ana', ['ana', 'ghost'], { preparator: 'ana/ghost-prep' }),
      ),
    reported: 'ref.unknown-user',
  },
  "runner serving another owner's dataset": {
    author: 'hospital-a',
    head: (f) => f.set(P.runner('hospital-a/r2'), runner('hospital-a', 'r2', ['hospital-b/wdbc-b'])),
    reported: 'ref.runner-foreign-dataset',
  },
  'a .yml file under registry/': {
    author: 'lee',
    head: (f) => f.set('registry/mlcubes/lee/x.yml', cube('lee', 'x')),
    reported: 'layout.unknown-path',
  },
};

const layerOf = (violation: Diagnostic) => (violation.code.startsWith('policy.') ? 'policy' : 'validator');

afterAll(cleanupTemplates);

describe('every problem is reported once, by the layer that owns it', () => {
  for (const [name, submission] of Object.entries(BAD_SUBMISSIONS)) {
    it(name, async () => {
      const decision = await runScenario({ author: submission.author, head: submission.head });
      const codes = decision.violations.map(
        (violation) => `${violation.code} ${violation.file}:${violation.line}`,
      );
      expect(decision.status, codes.join('\n')).toBe('fail');
      expect(
        decision.violations.filter((violation) => violation.code === submission.reported),
        codes.join('\n'),
      ).toHaveLength(1);

      const exact = new Set<string>();
      const layersByPlace = new Map<string, Set<string>>();
      for (const violation of decision.violations) {
        const place = `${violation.file}:${violation.line}`;
        const key = `${violation.code} ${place} ${violation.message}`;
        expect(exact.has(key), `${key} reported twice`).toBe(false);
        exact.add(key);
        if (violation.line === undefined) continue;
        const layers = layersByPlace.get(place) ?? new Set<string>();
        layers.add(layerOf(violation));
        layersByPlace.set(place, layers);
      }
      for (const [place, layers] of layersByPlace) {
        expect(layers.size, `${place} is reported by both layers:\n${codes.join('\n')}`).toBe(1);
      }
    });
  }
});

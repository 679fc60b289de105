/**
 * One registry grammar: the validator (registry layout) and the policy classify every path the same
 * way, at the limits too (1 and 63 characters, 64, trailing and leading hyphens, upper case, dots),
 * and every owned path the validator accepts is subject to the policy's owner rule.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, MemoryView } from '../../cli/src/policy/index.js';
import { isName, isOwnedRef, KINDS, NAME_RE, pairName } from '../../cli/src/registry/kinds.js';
import {
  classifyPath,
  classifyRepoPath,
  entityPath,
  REGISTRY_DIR,
  registryRelativePath,
  repoEntityPath,
} from '../../cli/src/registry/layout.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const validName = fc
  .tuple(
    fc.constantFrom(...LOWER),
    fc.string({ unit: fc.constantFrom(...`${LOWER}-`), maxLength: 61 }),
    fc.constantFrom(...LOWER),
  )
  .map(([first, middle, last]) => `${first}${middle}${last}`);

/** Path segments at and around the grammar's limits. */
const segment = fc.oneof(
  { weight: 6, arbitrary: validName },
  { weight: 1, arbitrary: fc.constantFrom(...LOWER) }, // 1 character
  { weight: 1, arbitrary: fc.constant(`a${'b'.repeat(61)}c`) }, // 63
  { weight: 1, arbitrary: fc.constant(`a${'b'.repeat(62)}c`) }, // 64
  { weight: 1, arbitrary: fc.constant(`hospital-${'x'.repeat(35)}1`) }, // 45: above GitHub's 39
  { weight: 1, arbitrary: validName.map((name) => `${name}-`) }, // trailing hyphen
  { weight: 1, arbitrary: validName.map((name) => `-${name}`) }, // leading hyphen
  { weight: 1, arbitrary: validName.map((name) => name.toUpperCase()) },
  { weight: 1, arbitrary: validName.map((name) => `${name}.x`) }, // a dot
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...`${LOWER}-._A`), maxLength: 70 }) },
);

const registryPath = fc.oneof(
  fc.constant('registry/registry.yaml'),
  segment.map((login) => `registry/users/${login}.yaml`),
  fc
    .tuple(fc.constantFrom('mlcubes', 'datasets', 'runners'), segment, segment)
    .map(([folder, owner, name]) => `registry/${folder}/${owner}/${name}.yaml`),
  segment.map((benchmark) => `registry/benchmarks/${benchmark}/benchmark.yaml`),
  fc
    .tuple(segment, fc.constantFrom('models', 'datasets'), segment, segment)
    .map(
      ([benchmark, folder, owner, name]) =>
        `registry/benchmarks/${benchmark}/${folder}/${owner}.${name}.yaml`,
    ),
  fc
    .tuple(segment, segment, segment, segment, segment)
    .map(
      ([benchmark, dataOwner, dataset, modelOwner, cube]) =>
        `registry/benchmarks/${benchmark}/results/${dataOwner}/${dataset}/${modelOwner}.${cube}.yaml`,
    ),
  fc.tuple(segment, segment).map(([owner, name]) => `registry/mlcubes/${owner}/${name}.yml`),
  segment.map((name) => `${name}/users/x.yaml`),
  fc.constantFrom('registry/README.md', '.github/workflows/ci.yml', 'registry/users/a/b.yaml'),
);

const AUTHOR = 'lee';
const BASE = new MemoryView(
  new Map([
    [
      'registry/registry.yaml',
      'apiVersion: gitperf/v1\nkind: Registry\nmetadata: {name: r}\nspec: {bots: [gitperf-bot]}\n',
    ],
    [
      'registry/users/ada.yaml',
      'apiVersion: gitperf/v1\nkind: User\nmetadata: {name: ada}\nspec: {roles: [admin]}\n',
    ],
    [
      `registry/users/${AUTHOR}.yaml`,
      `apiVersion: gitperf/v1\nkind: User\nmetadata: {name: ${AUTHOR}}\nspec: {}\n`,
    ],
  ]),
);

/** What the policy makes of a pull request adding `path`. */
function policyOn(path: string) {
  const head = new MemoryView(
    new Map([...BASE.list('')].map((p) => [p, BASE.fingerprint(p) ?? ''])).set(path, 'x: 1\n'),
  );
  return decide({ base: BASE, head, author: AUTHOR, reviews: [], headSha: 'f'.repeat(40) });
}

describe('one registry grammar', () => {
  it('the name pattern is the schemas’ Name and Login pattern', () => {
    const definitions = JSON.parse(readFileSync('schemas/defs.schema.json', 'utf8')).$defs;
    const schemaName = new RegExp(definitions.Name.pattern, 'u');
    const schemaLogin = new RegExp(definitions.Login.pattern, 'u');
    const schemaOwnedRef = new RegExp(definitions.OwnedRef.pattern, 'u');
    fc.assert(
      fc.property(segment, segment, (first, second) => {
        expect(isName(first)).toBe(schemaName.test(first));
        expect(NAME_RE.test(first)).toBe(schemaLogin.test(first));
        expect(isOwnedRef(`${first}/${second}`)).toBe(schemaOwnedRef.test(`${first}/${second}`));
      }),
      { numRuns: 500 },
    );
    expect(isName('a')).toBe(true);
    expect(isName(`a${'b'.repeat(61)}c`)).toBe(true);
    expect(isName(`a${'b'.repeat(62)}c`)).toBe(false);
    expect(isName('ana-')).toBe(false);
  });

  it('the policy classifies every repository path as the validator does', () => {
    fc.assert(
      fc.property(registryPath, (path) => {
        const relative = registryRelativePath(path);
        const byValidator = relative === undefined ? undefined : classifyPath(relative);
        const byPolicy = policyOn(path).changes[0];
        expect(byPolicy.path).toBe(path);
        expect(byPolicy.kind).toBe(byValidator?.kind ?? 'Other');
        expect(classifyRepoPath(path)).toEqual(byValidator ?? { kind: 'Other' });
      }),
      { numRuns: 400 },
    );
  });

  it('every owned path the validator accepts is subject to the owner rule', () => {
    const owned = fc
      .tuple(fc.constantFrom('mlcubes', 'datasets', 'runners'), segment, segment)
      .map(([folder, owner, name]) => `registry/${folder}/${owner}/${name}.yaml`);
    fc.assert(
      fc.property(owned, (path) => {
        const info = classifyPath(path.slice(`${REGISTRY_DIR}/`.length));
        const codes = policyOn(path).violations.map((violation) => violation.code);
        if (info === undefined) {
          expect(codes).not.toContain('policy.not-owner');
          return;
        }
        expect(codes.includes('policy.not-owner')).toBe(info.owner !== AUTHOR);
      }),
      { numRuns: 300 },
    );
  });

  it('entityPath and classifyPath are inverse for every kind', () => {
    fc.assert(
      fc.property(
        validName,
        validName,
        validName,
        validName,
        validName,
        (first, second, third, fourth, fifth) => {
          const refs: Record<(typeof KINDS)[number], string> = {
            Registry: 'registry',
            User: first,
            MLCube: `${first}/${second}`,
            Dataset: `${first}/${second}`,
            Runner: `${first}/${second}`,
            Benchmark: first,
            ModelAssociation: `${first}:${second}/${third}`,
            DatasetAssociation: `${first}:${second}/${third}`,
            Result: `${first}:${second}/${third}:${fourth}/${fifth}`,
          };
          for (const kind of KINDS) {
            expect(classifyPath(entityPath(kind, refs[kind]))).toMatchObject({
              kind,
              ref: refs[kind],
              upperCase: false,
            });
            expect(repoEntityPath(kind, refs[kind])).toBe(`${REGISTRY_DIR}/${entityPath(kind, refs[kind])}`);
          }
          expect(pairName(`${first}/${second}`)).toBe(`${first}.${second}`);
        },
      ),
      { numRuns: 200 },
    );
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { layeringRules } from './allowed-dependencies.js';
import { checkLayering, type ImportEdge, type LayeringRules, readImportEdges } from './import-graph.js';

const sourceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'src');

describe('the layering of cli/src', () => {
  const edges = readImportEdges(sourceRoot);

  it('reads the real import graph (a broken reader would pass every rule)', () => {
    // Anchors that exist today: if the reader stopped finding imports, these would vanish.
    expect(edges).toContainEqual({ file: 'commands/validate.ts', fromFolder: 'commands', toFolder: 'cli' });
    expect(edges.some((edge) => edge.fromFolder === 'registry' && edge.toFolder === 'diagnostics')).toBe(
      true,
    );
    expect(edges.some((edge) => edge.packageName === '@oclif/core' && edge.fromFolder === 'commands')).toBe(
      true,
    );
  });

  it('follows the allowed-dependency table, has no folder cycles, and keeps oclif in the command layer', () => {
    const violations = checkLayering(edges, layeringRules);
    expect(violations.map((violation) => violation.message)).toEqual([]);
  });
});

describe("the README's layer diagram", () => {
  /** Folder → its row in the diagram (0 is the top row), read from the first code block under `### Layers`. */
  function readmeRows(): Map<string, number> {
    const readme = readFileSync(join(sourceRoot, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Layers'));
    const diagram = section.slice(
      section.indexOf('```') + 3,
      section.indexOf('```', section.indexOf('```') + 3),
    );
    const rows = new Map<string, number>();
    let rowIndex = 0;
    for (const line of diagram.split('\n')) {
      const folders = [...line.matchAll(/(?:^|\s)([a-z]+)\/(?=\s|$)/g)].map((match) => match[1]);
      if (folders.length === 0 || !/^[a-z]/.test(line)) continue; // a continuation line of a description
      for (const folder of folders) rows.set(folder, rowIndex);
      rowIndex++;
    }
    return rows;
  }

  it('puts every folder below the folders that may import it, as allowed-dependencies.ts says', () => {
    const rows = readmeRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(layeringRules.allowed).sort());
    const misplaced = Object.entries(layeringRules.allowed).flatMap(([folder, imported]) =>
      imported
        .filter((dependency) => (rows.get(dependency) ?? -1) <= (rows.get(folder) ?? -1))
        .map((dependency) => `${folder}/ imports ${dependency}/ but is not on a higher row`),
    );
    expect(misplaced).toEqual([]);
  });
});

describe('the layering checker', () => {
  const rules: LayeringRules = {
    allowed: {
      diagnostics: [],
      registry: ['diagnostics'],
      forge: ['diagnostics'],
      profile: ['forge'],
      cli: [],
    },
    restrictedPackages: { '@oclif/core': ['cli'] },
  };
  const imports = (file: string, toFolder: string): ImportEdge => ({
    file,
    fromFolder: file.split('/')[0],
    toFolder,
  });
  const importsPackage = (file: string, packageName: string): ImportEdge => ({
    file,
    fromFolder: file.split('/')[0],
    packageName,
  });
  const rulesBroken = (edges: ImportEdge[], withRules = rules) =>
    checkLayering(edges, withRules).map((violation) => violation.rule);

  it('accepts a graph that follows the table', () => {
    expect(
      rulesBroken([
        imports('registry/validate.ts', 'diagnostics'),
        imports('profile/profile.ts', 'forge'),
        imports('forge/forge.ts', 'forge'),
        importsPackage('cli/base-command.ts', '@oclif/core'),
        importsPackage('registry/schema.ts', 'node:fs'),
      ]),
    ).toEqual([]);
  });

  it('rejects an import the table does not allow', () => {
    const violations = checkLayering([imports('registry/validate.ts', 'forge')], rules);
    expect(violations.map((violation) => violation.rule)).toEqual(['forbidden-import']);
    expect(violations[0].message).toContain('registry/validate.ts imports from forge/');
  });

  it('rejects folders that import each other, even when the table were to allow both directions', () => {
    const permissive: LayeringRules = { ...rules, allowed: { ...rules.allowed, forge: ['profile'] } };
    const violations = checkLayering(
      [imports('forge/index.ts', 'profile'), imports('profile/profile.ts', 'forge')],
      permissive,
    );
    expect(violations.map((violation) => violation.rule).sort()).toEqual(['folder-cycle', 'table-cycle']);
    expect(violations.find((violation) => violation.rule === 'folder-cycle')?.message).toContain(
      'forge → profile, profile → forge',
    );
  });

  it('finds a cycle through three folders', () => {
    const ring: LayeringRules = {
      allowed: { alpha: ['beta'], beta: ['gamma'], gamma: ['alpha'] },
      restrictedPackages: {},
    };
    const rulesSeen = rulesBroken(
      [imports('alpha/a.ts', 'beta'), imports('beta/b.ts', 'gamma'), imports('gamma/c.ts', 'alpha')],
      ring,
    );
    expect(rulesSeen.sort()).toEqual(['folder-cycle', 'table-cycle']);
  });

  it('rejects oclif outside the command layer, subpaths included', () => {
    expect(
      rulesBroken([
        importsPackage('registry/flags.ts', '@oclif/core'),
        importsPackage('forge/flags.ts', '@oclif/core/flags'),
      ]),
    ).toEqual(['restricted-package', 'restricted-package']);
  });

  it('rejects a folder the table does not name', () => {
    expect(rulesBroken([imports('newfolder/thing.ts', 'diagnostics')])).toEqual(['unknown-folder']);
    expect(rulesBroken([imports('registry/thing.ts', 'newfolder')])).toEqual([
      'unknown-folder',
      'forbidden-import',
    ]);
  });

  describe('reading imports from files', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'gitperf-layering-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    };

    it('finds static, multi-line, type-only, re-exported and dynamic imports, and ignores look-alikes', () => {
      write(
        'registry/validate.ts',
        [
          "import { fail } from '../diagnostics/diagnostic.js';",
          'import {',
          '  type Forge,',
          '  type Review,',
          "} from '../forge/forge.js';",
          "export type { Profile } from '../profile/profile.js';",
          "const later = () => import('../policy/index.js');",
          'const text = "import x from \'../cube/index.js\'";',
          "import { Flags } from '@oclif/core';",
          "import pkg from '../../package.json';",
        ].join('\n'),
      );
      write('top.ts', "import { fail } from './diagnostics/diagnostic.js';");
      const found = readImportEdges(scratch);
      expect(found).toEqual(
        expect.arrayContaining([
          { file: 'registry/validate.ts', fromFolder: 'registry', toFolder: 'diagnostics' },
          { file: 'registry/validate.ts', fromFolder: 'registry', toFolder: 'forge' },
          { file: 'registry/validate.ts', fromFolder: 'registry', toFolder: 'profile' },
          { file: 'registry/validate.ts', fromFolder: 'registry', toFolder: 'policy' },
          { file: 'registry/validate.ts', fromFolder: 'registry', packageName: '@oclif/core' },
          { file: 'top.ts', fromFolder: '(root)', toFolder: 'diagnostics' },
        ]),
      );
      expect(found.some((edge) => edge.toFolder === 'cube')).toBe(false);
      expect(found).toHaveLength(6);
      expect(rulesBroken(found)).toEqual(
        expect.arrayContaining(['forbidden-import', 'restricted-package', 'unknown-folder']),
      );
    });
  });
});

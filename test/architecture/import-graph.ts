/**
 * The folder-level import graph of cli/src and the checks the layering test runs over it. Reading and
 * checking are separate so the test can feed the checker synthetic graphs that break each rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One `import`/`export … from`/`import()` of one file. */
export interface ImportEdge {
  /** The importing file, relative to the source root (`submission/open.ts`). */
  file: string;
  /** The importing file's top-level folder (`submission`). */
  fromFolder: string;
  /** For a relative import inside the source root: the imported file's top-level folder. */
  toFolder?: string;
  /** For a package import: the specifier as written (`@oclif/core`, `node:fs`). */
  packageName?: string;
}

/** Files directly in the source root belong to this pseudo-folder. */
export const ROOT_FOLDER = '(root)';

function topFolder(pathInRoot: string): string {
  const parts = pathInRoot.split(sep);
  return parts.length > 1 ? parts[0] : ROOT_FOLDER;
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * Every import of every `.ts` file under `sourceRoot`. TypeScript's own pre-processor finds them
 * (static, `export … from`, type-only and dynamic `import()`), so multi-line imports and strings that
 * merely look like imports are handled the way the compiler handles them.
 */
export function readImportEdges(sourceRoot: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const absoluteFile of typescriptFiles(sourceRoot)) {
    const file = relative(sourceRoot, absoluteFile);
    const fromFolder = topFolder(file);
    const info = ts.preProcessFile(readFileSync(absoluteFile, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (specifier.startsWith('.')) {
        const target = relative(sourceRoot, resolve(dirname(absoluteFile), specifier));
        // A relative import that leaves the source root (package.json, say) is not a layer edge.
        if (target.startsWith('..')) continue;
        edges.push({ file, fromFolder, toFolder: topFolder(target) });
      } else {
        edges.push({ file, fromFolder, packageName: specifier });
      }
    }
  }
  return edges;
}

/** Which folders each folder may import; a folder imports itself freely. */
export type AllowedDependencies = Readonly<Record<string, readonly string[]>>;

export interface LayeringRules {
  allowed: AllowedDependencies;
  /** Packages only some folders may import, e.g. `{ '@oclif/core': ['commands', 'cli'] }`. */
  restrictedPackages: Readonly<Record<string, readonly string[]>>;
}

export interface LayeringViolation {
  rule: 'unknown-folder' | 'forbidden-import' | 'folder-cycle' | 'restricted-package' | 'table-cycle';
  message: string;
}

function describeCycle(cycle: readonly string[], graph: ReadonlyMap<string, ReadonlySet<string>>): string {
  const members = new Set(cycle);
  const edgesInside = cycle.flatMap((folder) =>
    [...(graph.get(folder) ?? [])]
      .filter((target) => members.has(target))
      .map((target) => `${folder} → ${target}`),
  );
  return `${cycle.join(', ')} (${edgesInside.join(', ')})`;
}

function isPackageOrSubpath(specifier: string, packageName: string): boolean {
  return specifier === packageName || specifier.startsWith(`${packageName}/`);
}

/** Groups of folders that import each other (directly or through one another), each sorted. */
export function findFolderCycles(dependencies: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  // Tarjan's strongly connected components: every component of two or more folders is a cycle.
  let counter = 0;
  const indexOf = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (folder: string): void => {
    indexOf.set(folder, counter);
    lowLink.set(folder, counter);
    counter++;
    stack.push(folder);
    onStack.add(folder);
    for (const next of dependencies.get(folder) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        lowLink.set(folder, Math.min(lowLink.get(folder) as number, lowLink.get(next) as number));
      } else if (onStack.has(next)) {
        lowLink.set(folder, Math.min(lowLink.get(folder) as number, indexOf.get(next) as number));
      }
    }
    if (lowLink.get(folder) === indexOf.get(folder)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== folder);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const folder of [...dependencies.keys()].sort()) if (!indexOf.has(folder)) visit(folder);
  return cycles;
}

/** Every way `edges` break `rules`; empty when the code respects the layering. */
export function checkLayering(edges: readonly ImportEdge[], rules: LayeringRules): LayeringViolation[] {
  const violations: LayeringViolation[] = [];
  const tableGraph = new Map(
    Object.entries(rules.allowed).map(([folder, targets]) => [folder, new Set(targets)] as const),
  );
  for (const cycle of findFolderCycles(tableGraph))
    violations.push({
      rule: 'table-cycle',
      message: `the allowed-dependency table lets these folders import each other: ${describeCycle(cycle, tableGraph)}`,
    });

  const actualGraph = new Map<string, Set<string>>();
  const reportedUnknown = new Set<string>();
  const reportedForbidden = new Set<string>();
  for (const edge of edges) {
    for (const folder of [edge.fromFolder, edge.toFolder]) {
      if (folder === undefined || folder in rules.allowed || reportedUnknown.has(folder)) continue;
      reportedUnknown.add(folder);
      violations.push({
        rule: 'unknown-folder',
        message: `folder ${folder}/ (${edge.file}) is not in the allowed-dependency table: add it with the folders it may import`,
      });
    }
    if (edge.packageName !== undefined) {
      for (const [packageName, allowedFolders] of Object.entries(rules.restrictedPackages)) {
        if (isPackageOrSubpath(edge.packageName, packageName) && !allowedFolders.includes(edge.fromFolder))
          violations.push({
            rule: 'restricted-package',
            message: `${edge.file} imports ${edge.packageName}; only ${allowedFolders.map((f) => `${f}/`).join(' and ')} may`,
          });
      }
      continue;
    }
    if (edge.toFolder === undefined || edge.toFolder === edge.fromFolder) continue;
    if (!actualGraph.has(edge.fromFolder)) actualGraph.set(edge.fromFolder, new Set());
    actualGraph.get(edge.fromFolder)?.add(edge.toFolder);
    const allowedTargets = rules.allowed[edge.fromFolder];
    const edgeKey = `${edge.file} → ${edge.toFolder}`;
    if (allowedTargets && !allowedTargets.includes(edge.toFolder) && !reportedForbidden.has(edgeKey)) {
      reportedForbidden.add(edgeKey);
      violations.push({
        rule: 'forbidden-import',
        message: `${edge.file} imports from ${edge.toFolder}/, but ${edge.fromFolder}/ may import only ${
          allowedTargets.length > 0 ? allowedTargets.map((f) => `${f}/`).join(', ') : 'nothing internal'
        }`,
      });
    }
  }
  for (const cycle of findFolderCycles(actualGraph))
    violations.push({
      rule: 'folder-cycle',
      message: `import cycle between folders ${describeCycle(cycle, actualGraph)}`,
    });
  return violations;
}

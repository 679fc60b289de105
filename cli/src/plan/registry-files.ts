/**
 * The registry files the plan looks at, by folder. Over a listing (any FileSource, e.g. a git commit)
 * the whole registry is listed once; over a folder on disk only the folders the plan asks for are read,
 * so `--runner` or `--dataset` costs time proportional to their datasets, not to the registry.
 */
import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEntry, FileSource } from '../registry/file-source.js';
import { classifyPath } from '../registry/layout.js';
import { type ListedFile, listRegistry } from '../registry/loader.js';

export interface PlanFiles {
  /** Benchmark folder names (each with a benchmark.yaml or not: `at` tells). */
  benchmarkNames(): Promise<string[]>;
  /** Classified files below `dir` (registry-relative, recursive), sorted by path. */
  under(dir: string): Promise<ListedFile[]>;
  /** The file at `path` (registry-relative), if any. */
  at(path: string): Promise<ListedFile | undefined>;
}

/** From one listing of the whole source. */
export async function listedPlanFiles(source: FileSource): Promise<PlanFiles> {
  const byDir = new Map<string, ListedFile[]>();
  const byPath = new Map<string, ListedFile>();
  for (const f of await listRegistry(source)) {
    const path = f.entry.path;
    byPath.set(path, f);
    const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    const list = byDir.get(dir);
    if (list) list.push(f);
    else byDir.set(dir, [f]);
  }
  return {
    async benchmarkNames() {
      const names = new Set<string>();
      for (const dir of byDir.keys()) {
        const m = /^benchmarks\/([^/]+)/.exec(dir);
        if (m) names.add(m[1]);
      }
      return [...names].sort();
    },
    async under(dir) {
      const out: ListedFile[] = [];
      for (const [d, files] of byDir) if (d === dir || d.startsWith(`${dir}/`)) out.push(...files);
      return out.sort((a, b) => (a.entry.path < b.entry.path ? -1 : 1));
    },
    async at(path) {
      return byPath.get(path);
    },
  };
}

/** Reading only the asked-for folders of a registry folder on disk. */
export function folderPlanFiles(folder: string): PlanFiles {
  const entry = (path: string, dirent: { isSymbolicLink(): boolean; isFile(): boolean }): ListedFile => {
    const type: FileEntry['type'] = dirent.isSymbolicLink() ? 'symlink' : dirent.isFile() ? 'file' : 'other';
    return { entry: { path, type }, info: classifyPath(path) };
  };
  const walk = (dir: string, out: ListedFile[]) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(folder, dir), { withFileTypes: true });
    } catch {
      return; // no such folder: nothing under it
    }
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path, out);
      else out.push(entry(path, e));
    }
  };
  return {
    async benchmarkNames() {
      try {
        return readdirSync(join(folder, 'benchmarks'), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort();
      } catch {
        return [];
      }
    },
    async under(dir) {
      const out: ListedFile[] = [];
      walk(dir, out);
      return out.sort((a, b) => (a.entry.path < b.entry.path ? -1 : 1));
    },
    async at(path) {
      const stat = lstatSync(join(folder, path), { throwIfNoEntry: false });
      if (!stat || stat.isDirectory()) return undefined;
      return entry(path, stat);
    },
  };
}

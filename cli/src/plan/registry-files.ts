/**
 * The registry files the plan looks at, by folder. Over a listing (any FileSource, e.g. a git commit)
 * the whole registry is listed once; over a folder on disk only the folders the plan asks for are read,
 * so `--runner` or `--dataset` costs time proportional to their datasets, not to the registry.
 */
import { closeSync, type Dirent, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEntry, FileSource } from '../registry/file-source.js';
import { classifyPath, entityFolder } from '../registry/layout.js';
import { type ListedFile, listRegistry } from '../registry/loader.js';

export interface PlanFiles {
  /** Benchmark folder names (each with a benchmark.yaml or not: `at` tells). */
  benchmarkNames(): Promise<string[]>;
  /** Classified files below `dir` (registry-relative, recursive), sorted by path. */
  under(dir: string): Promise<ListedFile[]>;
  /** The file at `path` (registry-relative), if any. */
  at(path: string): Promise<ListedFile | undefined>;
  /**
   * Optional: a small file's bytes, read faster than the source does (no stat); undefined when it is
   * larger than a read buffer, and then the caller reads it through the source.
   */
  readSmall?(path: string): Buffer | undefined;
}

/** From one listing of the whole source. */
export async function listedPlanFiles(source: FileSource): Promise<PlanFiles> {
  const byDir = new Map<string, ListedFile[]>();
  const subdirs = new Map<string, Set<string>>();
  const byPath = new Map<string, ListedFile>();
  const addDir = (dir: string) => {
    // Registers `dir` under each ancestor, stopping at the first one already known.
    for (let child = dir; child !== ''; ) {
      const parent = child.slice(0, Math.max(0, child.lastIndexOf('/')));
      const set = subdirs.get(parent);
      if (set?.has(child)) return;
      if (set) set.add(child);
      else subdirs.set(parent, new Set([child]));
      child = parent;
    }
  };
  // listRegistry sorts by path, so every folder's files come out sorted.
  for (const file of await listRegistry(source)) {
    const path = file.entry.path;
    byPath.set(path, file);
    const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    const list = byDir.get(dir);
    if (list) list.push(file);
    else {
      byDir.set(dir, [file]);
      addDir(dir);
    }
  }
  const collect = (dir: string, out: ListedFile[]) => {
    out.push(...(byDir.get(dir) ?? []));
    for (const sub of subdirs.get(dir) ?? []) collect(sub, out);
  };
  return {
    async benchmarkNames() {
      const benchmarksFolder = entityFolder({ kind: 'Benchmark' });
      return [...(subdirs.get(benchmarksFolder) ?? [])]
        .map((dir) => dir.slice(benchmarksFolder.length + 1))
        .sort();
    },
    async under(dir) {
      const out: ListedFile[] = [];
      collect(dir, out);
      return out.sort((a, b) => (a.entry.path < b.entry.path ? -1 : 1));
    },
    async at(path) {
      return byPath.get(path);
    },
  };
}

/** Reading only the asked-for folders of a registry folder on disk. */
export function folderPlanFiles(folder: string): PlanFiles {
  const scratch = Buffer.allocUnsafe(64 * 1024);
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
    for (const dirent of entries) {
      const path = `${dir}/${dirent.name}`;
      if (dirent.isDirectory()) walk(path, out);
      else out.push(entry(path, dirent));
    }
  };
  return {
    async benchmarkNames() {
      try {
        return readdirSync(join(folder, entityFolder({ kind: 'Benchmark' })), { withFileTypes: true })
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
    readSmall(path) {
      // Results are ~1.5 KiB: one open, one read, one close each, into a shared buffer.
      const fd = openSync(join(folder, path), 'r');
      let size: number;
      try {
        size = readSync(fd, scratch, 0, scratch.length, 0);
      } finally {
        closeSync(fd);
      }
      return size === scratch.length ? undefined : Buffer.from(scratch.subarray(0, size));
    },
    async at(path) {
      const stat = lstatSync(join(folder, path), { throwIfNoEntry: false });
      if (!stat || stat.isDirectory()) return undefined;
      return entry(path, stat);
    },
  };
}

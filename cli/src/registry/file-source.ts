import { closeSync, type Dirent, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** One entry under the registry folder. Directories are not listed; their contents are. */
export interface FileEntry {
  /** Path relative to the registry folder, `/`-separated, no leading `./`. */
  path: string;
  /** Symbolic links (to files or folders) are listed, never followed, and refused by the loader. */
  type: 'file' | 'symlink' | 'other';
}

/**
 * Where registry files come from. The registry module knows nothing about git: the filesystem
 * implementation is below, and the policy engine supplies one backed by the blobs of a commit.
 */
export interface FileSource {
  /** Prefix shown before every path in diagnostics (`registry` gives `registry/users/ada.yaml`); '' for none. */
  readonly displayRoot: string;
  /** Every file-like entry below the registry folder, recursively. */
  list(): Promise<FileEntry[]>;
  /**
   * The bytes of a listed regular file, at most `limit + 1` of them, so an oversized file is
   * refused without being read whole. Rejects when the file does not exist.
   */
  read(path: string, limit: number): Promise<Uint8Array>;
  /**
   * Optional: whether `path` is a regular file. When present, validating a change looks up the
   * files its checks need instead of listing the whole registry (time proportional to the change).
   */
  exists?(path: string): Promise<boolean>;
  /**
   * Optional: a hint that `exists` and `read` will soon be asked about these paths, so a source that
   * pays per request (one git process) can answer them all at once. Never required for correctness.
   */
  prefetch?(paths: readonly string[]): Promise<void>;
  /**
   * Optional: the entries below these folders, recursively (a pattern naming a file gives that file;
   * missing ones give nothing). A `*` segment stands for every folder at that level. When present,
   * validating a change lists only the folders that can hold files the change may break.
   */
  listUnder?(patterns: readonly string[]): Promise<FileEntry[]>;
}

/** A regular expression matching the paths `listUnder(patterns)` must return. */
export function underPatterns(patterns: readonly string[]): RegExp {
  const segmentPattern = (segment: string) =>
    segment === '*' ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const alternatives = patterns.map((p) => p.split('/').map(segmentPattern).join('/'));
  return new RegExp(`^(?:${alternatives.join('|')})(?:/|$)`);
}

/** The path shown to people for a file of `source`. */
export function displayPath(source: Pick<FileSource, 'displayRoot'>, path: string): string {
  if (!source.displayRoot || source.displayRoot === '.') return path;
  return `${source.displayRoot.replace(/\/+$/, '')}/${path}`;
}

/** A registry folder on disk. */
export class FsFileSource implements FileSource {
  readonly displayRoot: string;
  private readonly dir: string;

  /** `dir` is where the files are; `displayRoot` how to show it (default: `dir` as given). */
  constructor(dir: string, displayRoot: string = dir) {
    this.dir = dir;
    this.displayRoot = displayRoot;
  }

  async list(): Promise<FileEntry[]> {
    const out: FileEntry[] = [];
    this.walk('', out);
    return out;
  }

  /** Synchronous readdir: ten thousand small directory reads are faster without the thread-pool hop. */
  private walk(rel: string, out: FileEntry[]): void {
    const entries = readdirSync(rel ? join(this.dir, rel) : this.dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) this.walk(path, out);
      else out.push({ path, type: entryType(entry) });
    }
  }

  async listUnder(patterns: readonly string[]): Promise<FileEntry[]> {
    const out: FileEntry[] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      // Segment by segment, never through a symbolic link (the whole listing does not follow them either).
      let folders = [''];
      const segments = pattern.split('/');
      for (const [i, segment] of segments.entries()) {
        const last = i === segments.length - 1;
        const next: string[] = [];
        for (const folder of folders) {
          const abs = folder ? join(this.dir, folder) : this.dir;
          if (segment === '*') {
            for (const entry of readdirSafe(abs))
              if (entry.isDirectory()) next.push(folder ? `${folder}/${entry.name}` : entry.name);
            continue;
          }
          const path = folder ? `${folder}/${segment}` : segment;
          let stat: ReturnType<typeof lstatSync>;
          try {
            stat = lstatSync(join(this.dir, path));
          } catch {
            continue;
          }
          if (stat.isDirectory()) next.push(path);
          else if (last && !seen.has(path)) {
            seen.add(path);
            out.push({ path, type: stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'file' : 'other' });
          }
        }
        folders = next;
      }
      for (const folder of folders) {
        if (seen.has(folder)) continue;
        seen.add(folder);
        const below: FileEntry[] = [];
        this.walk(folder, below);
        for (const e of below) if (!seen.has(e.path)) out.push(e);
        for (const e of below) seen.add(e.path);
      }
    }
    return out;
  }

  async read(path: string, limit: number): Promise<Uint8Array> {
    return readFileLimited(join(this.dir, path), limit);
  }

  async exists(path: string): Promise<boolean> {
    try {
      return lstatSync(join(this.dir, path)).isFile();
    } catch {
      return false;
    }
  }
}

function entryType(dirent: Dirent): FileEntry['type'] {
  return dirent.isSymbolicLink() ? 'symlink' : dirent.isFile() ? 'file' : 'other';
}

function readdirSafe(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Reads at most `limit + 1` bytes of a file. */
export function readFileLimited(file: string, limit: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const want = Math.min(size, limit + 1);
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const bytesRead = readSync(fd, buf, got, want - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === want ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Files held in memory (tests, or content assembled by other modules). Values are file contents;
 * `{ symlink: target }` stands for a symbolic link.
 */
export class MemoryFileSource implements FileSource {
  readonly displayRoot: string;
  private readonly files: Map<string, Uint8Array | { symlink: string }>;

  constructor(files: Record<string, string | Uint8Array | { symlink: string }>, displayRoot = 'registry') {
    this.displayRoot = displayRoot;
    this.files = new Map(
      Object.entries(files).map(([p, v]) => [p, typeof v === 'string' ? new TextEncoder().encode(v) : v]),
    );
  }

  async list(): Promise<FileEntry[]> {
    return [...this.files].map(([path, v]) => ({ path, type: v instanceof Uint8Array ? 'file' : 'symlink' }));
  }

  async read(path: string, limit: number): Promise<Uint8Array> {
    const content = this.files.get(path);
    if (!(content instanceof Uint8Array)) throw new Error(`${path}: no such file`);
    return content.subarray(0, limit + 1);
  }

  async exists(path: string): Promise<boolean> {
    return this.files.get(path) instanceof Uint8Array;
  }

  async listUnder(patterns: readonly string[]): Promise<FileEntry[]> {
    const re = underPatterns(patterns);
    return [...this.files]
      .filter(([path]) => re.test(path))
      .map(([path, v]) => ({ path, type: v instanceof Uint8Array ? 'file' : 'symlink' }));
  }
}

/**
 * The registry module's FileSource over a git commit, so the foundation's loader and validator read
 * exactly what the policy reads: the blobs of the head commit, without a checkout.
 */
import type { FileEntry, FileSource } from '../registry/file-source.js';
import { GitView } from './view.js';

export class GitFileSource implements FileSource {
  readonly displayRoot: string;
  private readonly prefix: string;
  constructor(
    private readonly view: GitView,
    /** The registry folder inside the repository ('' when the repository is the registry). */
    registryDir = 'registry',
    /** How diagnostics name the folder (default: its path in the repository). */
    displayRoot = registryDir,
  ) {
    this.displayRoot = displayRoot;
    this.prefix = registryDir ? `${registryDir}/` : '';
  }

  async list(): Promise<FileEntry[]> {
    const out: FileEntry[] = [];
    for (const entry of this.view.entries) {
      if (!entry.path.startsWith(this.prefix)) continue;
      out.push({ path: entry.path.slice(this.prefix.length), type: fileType(entry.mode) });
    }
    return out;
  }

  async exists(path: string): Promise<boolean> {
    return this.view.has(this.prefix + path);
  }

  async prefetch(paths: readonly string[]): Promise<void> {
    GitView.prefetchTogether([[this.view, paths.map((p) => this.prefix + p)]]);
  }

  async listUnder(patterns: readonly string[]): Promise<FileEntry[]> {
    const paths: string[] = [];
    for (const pattern of patterns) {
      let folders = [this.prefix.slice(0, -1)];
      const under = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);
      for (const segment of pattern.split('/')) {
        folders =
          segment === '*'
            ? folders.flatMap((f) => this.view.childFolders(f).map((n) => under(f, n)))
            : folders.map((f) => under(f, segment));
      }
      paths.push(...folders);
    }
    return this.view.entriesUnder(paths).map((entry) => ({
      path: entry.path.slice(this.prefix.length),
      type: fileType(entry.mode),
    }));
  }

  async read(path: string, limit: number): Promise<Uint8Array> {
    const bytes = this.view.read(this.prefix + path);
    if (!bytes) throw new Error(`${this.prefix}${path}: no such file at commit ${this.view.commit}`);
    return bytes.subarray(0, limit + 1);
  }
}

function fileType(mode: string): FileEntry['type'] {
  return mode === '120000' ? 'symlink' : mode.startsWith('100') ? 'file' : 'other';
}

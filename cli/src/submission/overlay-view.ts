/**
 * A registry state that is `base` with some files written or deleted: what a submission's head will
 * be, before it exists. Lets the policy say which approvals a submission needs before it is opened.
 */
import { createHash } from 'node:crypto';
import type { SubmissionFile } from '../forge/forge.js';
import { type PolicyEntity, parseEntity, type RegistryView } from '../policy/index.js';
import type { FileEntry, FileSource } from '../registry/file-source.js';

export class OverlayView implements RegistryView {
  private readonly files = new Map<string, string | null>();
  private readonly cache = new Map<string, PolicyEntity>();
  constructor(
    private readonly base: RegistryView,
    files: readonly SubmissionFile[],
  ) {
    for (const file of files) this.files.set(file.path, file.content);
  }
  has(path: string): boolean {
    const overlaid = this.files.get(path);
    return overlaid === undefined ? this.base.has(path) : overlaid !== null;
  }
  list(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir}/`;
    const out = new Set(this.base.list(dir));
    for (const [filePath, content] of this.files) {
      if (!filePath.startsWith(prefix)) continue;
      if (content === null) out.delete(filePath);
      else out.add(filePath);
    }
    return [...out].sort();
  }
  get(path: string): PolicyEntity | undefined {
    const overlaid = this.files.get(path);
    if (overlaid === undefined) return this.base.get(path);
    if (overlaid === null) return undefined;
    let entity = this.cache.get(path);
    if (!entity) {
      entity = parseEntity(path, overlaid);
      this.cache.set(path, entity);
    }
    return entity;
  }
  fingerprint(path: string): string | undefined {
    const overlaid = this.files.get(path);
    if (overlaid === undefined) return this.base.fingerprint(path);
    // The git blob id, as GitView gives: unchanged content compares equal to the base's file.
    return overlaid === null ? undefined : gitBlobId(overlaid);
  }
}

/**
 * The registry validator's view of the same state: `base` (a FileSource over the registry folder)
 * with the submitted files under `registry/` written or deleted.
 */
export class OverlayFileSource implements FileSource {
  readonly displayRoot: string;
  private readonly files = new Map<string, string | null>();
  constructor(
    private readonly base: FileSource,
    files: readonly SubmissionFile[],
    registryDir = 'registry',
  ) {
    this.displayRoot = base.displayRoot;
    const prefix = `${registryDir}/`;
    for (const file of files)
      if (file.path.startsWith(prefix)) this.files.set(file.path.slice(prefix.length), file.content);
  }
  async list(): Promise<FileEntry[]> {
    const out = (await this.base.list()).filter((e) => !this.files.has(e.path));
    for (const [path, content] of this.files) if (content !== null) out.push({ path, type: 'file' });
    return out;
  }
  async read(path: string, limit: number): Promise<Uint8Array> {
    const overlaid = this.files.get(path);
    if (overlaid === undefined) return this.base.read(path, limit);
    if (overlaid === null) throw new Error(`${path} is deleted by this submission`);
    return Buffer.from(overlaid, 'utf8').subarray(0, limit + 1);
  }
}

/** The object id git gives a blob with this content (sha1 of `blob <size>\0<content>`). */
export function gitBlobId(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body]))
    .digest('hex');
}

/**
 * A registry state that is `base` with some files written or deleted: what a submission's head will
 * be, before it exists. Lets the policy say which approvals a submission needs before it is opened.
 */
import { createHash } from 'node:crypto';
import type { SubmissionFile } from '../forge/forge.js';
import { type PolicyEntity, parseEntity, type RegistryView } from '../policy/index.js';

export class OverlayView implements RegistryView {
  private readonly files = new Map<string, string | null>();
  private readonly cache = new Map<string, PolicyEntity>();
  constructor(
    private readonly base: RegistryView,
    files: readonly SubmissionFile[],
  ) {
    for (const f of files) this.files.set(f.path, f.content);
  }
  has(path: string): boolean {
    const o = this.files.get(path);
    return o === undefined ? this.base.has(path) : o !== null;
  }
  list(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir}/`;
    const out = new Set(this.base.list(dir));
    for (const [p, c] of this.files) {
      if (!p.startsWith(prefix)) continue;
      if (c === null) out.delete(p);
      else out.add(p);
    }
    return [...out].sort();
  }
  get(path: string): PolicyEntity | undefined {
    const o = this.files.get(path);
    if (o === undefined) return this.base.get(path);
    if (o === null) return undefined;
    let e = this.cache.get(path);
    if (!e) {
      e = parseEntity(path, o);
      this.cache.set(path, e);
    }
    return e;
  }
  fingerprint(path: string): string | undefined {
    const o = this.files.get(path);
    if (o === undefined) return this.base.fingerprint(path);
    // The git blob id, as GitView gives: unchanged content compares equal to the base's file.
    return o === null ? undefined : gitBlobId(o);
  }
}

/** The object id git gives a blob with this content (sha1 of `blob <size>\0<content>`). */
export function gitBlobId(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body]))
    .digest('hex');
}

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkConsistency } from './consistency-rules.js';
import { KINDS, type Kind } from './kinds.js';
import type { PathInfo } from './layout.js';
import { checkLayout } from './layout-rules.js';
import { fromBytes, type ListedFile, type LoadedEntity } from './loader.js';
import { checkReferences, type RefFacts, SupportFacts } from './references.js';
import { checkResultProvenance, type SignatureSink } from './result-provenance.js';

/** Which refs exist per kind, from a file listing alone (no parsing), and which refs are duplicated. */
export class PathFacts {
  private readonly exists = new Map<Kind, Set<string>>();

  constructor(refs: Partial<Record<Kind, string[]>>) {
    for (const k of KINDS) this.exists.set(k, new Set(refs[k] ?? []));
  }

  static fromListing(files: ListedFile[]): PathFacts {
    const refs: Partial<Record<Kind, string[]>> = {};
    for (const file of files) {
      if (!file.info || file.entry.type !== 'file') continue;
      const list = refs[file.info.kind] ?? [];
      list.push(file.info.ref);
      refs[file.info.kind] = list;
    }
    return new PathFacts(refs);
  }

  /** Refs per kind, to rebuild the same facts elsewhere (a worker thread). */
  toJSON(): Partial<Record<Kind, string[]>> {
    return Object.fromEntries([...this.exists].map(([k, s]) => [k, [...s]]));
  }

  has(kind: Kind, ref: string): boolean {
    return this.exists.get(kind)?.has(ref) ?? false;
  }
}

export function refFacts(paths: PathFacts, support: SupportFacts = new SupportFacts()): RefFacts {
  return { has: (k, r) => paths.has(k, r), support };
}

/**
 * All layers for one file: input and schema (via fromBytes), layout, consistency, references, provenance.
 * A result's signature is verified here, or handed to `signatures` (a verifier working beside the caller).
 */
export function checkFile(
  path: string,
  file: string,
  info: PathInfo,
  bytes: Uint8Array,
  facts: RefFacts,
  signatures?: SignatureSink,
): { entity?: LoadedEntity; diagnostics: Diagnostic[] } {
  const parsed = fromBytes(path, file, info, bytes);
  if (!parsed.entity) return parsed;
  return {
    entity: parsed.entity,
    diagnostics: [
      ...parsed.diagnostics,
      ...checkLayout(parsed.entity),
      ...checkConsistency(parsed.entity),
      ...checkReferences(parsed.entity, facts),
      // A whole registry: every result is as merged, so differing hashes make it stale, not invalid.
      ...checkResultProvenance(parsed.entity, facts.support, { atMerge: false }, signatures),
    ],
  };
}

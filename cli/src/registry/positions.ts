import type { Document, Node } from 'yaml';
import { yaml } from './yaml-lib.js';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** A property path into an entity, e.g. `['spec', 'cubes', 0, 'ref']`. */
export type PropertyPath = readonly (string | number)[];

/** Where to point: at the key of a property (`name:`) or at its value. */
export type PositionTarget = 'key' | 'value';

export const YAML_OPTIONS = {
  uniqueKeys: true,
  merge: false,
  prettyErrors: false,
  version: '1.2',
  schema: 'core',
  strict: true,
} as const;

/** Offsets to line/column, computed only when first asked (most files never have an error). */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  at(offset: number): Position {
    if (!this.starts) {
      const s = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) s.push(i + 1);
      this.starts = s;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // Columns count UTF-16 code units from the line start, as editors and GitHub annotations do.
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }
}

/**
 * Maps property paths of one YAML file to positions. Keeps the parsed Document when the loader
 * already has one; otherwise parses the text again on first use (files parsed in a worker thread).
 */
export class PositionMap {
  private doc: Document | undefined;
  private readonly lines: LineIndex;

  constructor(
    private readonly text: string,
    doc?: Document,
  ) {
    this.doc = doc;
    this.lines = new LineIndex(text);
  }

  offsetToPosition(offset: number): Position {
    return this.lines.at(offset);
  }

  /**
   * The position of the key or value at `path`. When the path does not exist (a missing
   * property), the deepest existing ancestor's key is used, which is where a person would add it.
   */
  position(path: PropertyPath, target: PositionTarget = 'value'): Position {
    if (!this.doc) this.doc = yaml().parseDocument(this.text, YAML_OPTIONS);
    const { isMap, isPair, isScalar, isSeq } = yaml();
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) return this.at(keyNode ?? (node as Node));
        keyNode = pair.key as Node;
        node = pair.value;
        if (!node) return this.at(keyNode);
      } else if (isSeq(node) && node.items[Number(seg)]) {
        node = node.items[Number(seg)];
        keyNode = node as Node;
      } else {
        return this.at(keyNode ?? (node as Node | undefined));
      }
    }
    return this.at(target === 'key' && keyNode ? keyNode : (node as Node | undefined));
  }

  private at(node: Node | undefined | null): Position {
    const offset = node?.range?.[0];
    return typeof offset === 'number' ? this.lines.at(offset) : { line: 1, column: 1 };
  }
}

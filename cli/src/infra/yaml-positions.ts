/**
 * The one YAML position walker: offsets to 1-based line/column through yaml's `LineCounter`, and property
 * paths (`['spec', 'cubes', 0, 'ref']`) to the node ranges of a parsed Document. Used for every diagnostic
 * that points into a YAML file (registry entities, policy checks, MLCube manifests).
 */
import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from './yaml-library.js';

/** A 1-based line and column (columns count UTF-16 code units, as editors and GitHub annotations do). */
export interface Position {
  line: number;
  column: number;
}

/** A property path into a document, e.g. `['spec', 'cubes', 0, 'ref']`. */
export type PropertyPath = readonly (string | number)[];

/** Where to point: at the key of a property (`name:`) or at its value. */
export type PositionTarget = 'key' | 'value';

/**
 * Maps offsets and property paths of one YAML text to positions. Takes the parsed Document when the caller
 * already has one (and its LineCounter, when it parsed with one); otherwise parses on first use. Without a
 * LineCounter, one is filled from the text on first use: most files never need a position.
 */
export class PositionMap {
  private doc: Document | undefined;
  private lineCounter: LineCounter | undefined;

  private readonly parseOptions: object;

  constructor(
    private readonly text: string,
    options: {
      /** The parsed document, when the caller kept it. */
      document?: Document;
      /** The LineCounter the document was parsed with, if any. */
      lineCounter?: LineCounter;
      /** How to parse the text when no document was given (the caller's own YAML options). */
      parseOptions?: object;
    } = {},
  ) {
    this.doc = options.document;
    this.lineCounter = options.lineCounter;
    this.parseOptions = options.parseOptions ?? {};
  }

  offsetToPosition(offset: number): Position {
    if (!this.lineCounter) {
      const counter = new (yaml().LineCounter)();
      counter.addNewLine(0);
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1))
        counter.addNewLine(i + 1);
      this.lineCounter = counter;
    }
    const { line, col } = this.lineCounter.linePos(offset);
    return { line: Math.max(1, line), column: Math.max(1, col) };
  }

  /**
   * The position of the key or value at `path`. When the path does not exist (a missing property), the
   * deepest existing ancestor's key is used, which is where a person would add it.
   */
  position(path: PropertyPath, target: PositionTarget = 'value'): Position {
    this.doc ??= yaml().parseDocument(this.text, this.parseOptions);
    const { isMap, isPair, isScalar, isSeq } = yaml();
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) return this.at(keyNode ?? (node as Node));
        keyNode = pair.key as Node;
        node = pair.value;
        if (!node) return this.at(keyNode);
      } else if (isSeq(node) && node.items[Number(segment)]) {
        node = node.items[Number(segment)];
        keyNode = node as Node;
      } else {
        return this.at(keyNode ?? (node as Node | undefined));
      }
    }
    return this.at(target === 'key' && keyNode ? keyNode : (node as Node | undefined));
  }

  private at(node: Node | undefined | null): Position {
    const offset = node?.range?.[0];
    return typeof offset === 'number' ? this.offsetToPosition(offset) : { line: 1, column: 1 };
  }
}

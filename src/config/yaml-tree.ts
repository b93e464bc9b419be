import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigPath, Diagnostic, SourcePosition } from './diagnostic.js';
import { type Environment, interpolate } from './env.js';

/** Where each key and value of the document stands, by path. */
export class PositionIndex {
  private readonly values = new Map<string, SourcePosition>();
  private readonly keys = new Map<string, SourcePosition>();

  recordValue(path: ConfigPath, position: SourcePosition): void {
    this.values.set(JSON.stringify(path), position);
  }

  recordKey(path: ConfigPath, position: SourcePosition): void {
    this.keys.set(JSON.stringify(path), position);
  }

  /** The value at `path`, or failing that its key, or the nearest ancestor that exists. */
  valueAt(path: ConfigPath): SourcePosition {
    for (let length = path.length; length >= 0; length -= 1) {
      const id = JSON.stringify(path.slice(0, length));
      const found = this.values.get(id) ?? this.keys.get(id);
      if (found) return found;
    }
    return { line: 1, col: 1 };
  }

  /** The key that names `path` (for "unknown key" errors), else its value. */
  keyAt(path: ConfigPath): SourcePosition {
    return this.keys.get(JSON.stringify(path)) ?? this.valueAt(path);
  }
}

export interface YamlTree {
  /** Plain data, with `${VAR}` references replaced. */
  readonly data: unknown;
  readonly positions: PositionIndex;
  readonly errors: Diagnostic[];
}

export interface YamlTreeOptions {
  readonly env: Environment;
  /**
   * Keys whose plain numeric values are kept as the text the user typed, so that
   * `warn_below: 1000.10` is read exactly and a long account number keeps its digits.
   */
  readonly textNumberKeys: ReadonlySet<string>;
}

/** Parses YAML into plain data, remembering positions and reporting every syntax and variable error. */
export function parseYamlTree(text: string, options: YamlTreeOptions): YamlTree {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positions = new PositionIndex();
  const errors: Diagnostic[] = [];
  const at = (offset: number): SourcePosition => lineCounter.linePos(offset);

  for (const problem of doc.errors) {
    errors.push({ severity: 'error', message: `YAML syntax: ${firstLine(problem.message)}`, position: at(problem.pos[0]) });
  }
  if (errors.length > 0) return { data: undefined, positions, errors };

  const convert = (node: Node | null | undefined, path: ConfigPath, lastKey: string | undefined): unknown => {
    if (node == null) return null;
    const target = isAlias(node) ? (node.resolve(doc as Document) as Node | undefined) : node;
    if (!target) return null;
    if (target.range) positions.recordValue(path, at(target.range[0]));
    if (isMap(target)) {
      const object: Record<string, unknown> = {};
      for (const pair of target.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
        const keyPosition = keyNode?.range ? at(keyNode.range[0]) : positions.valueAt(path);
        if (key === undefined) {
          errors.push({ severity: 'error', message: 'a key must be plain text', position: keyPosition });
          continue;
        }
        const childPath = [...path, key];
        positions.recordKey(childPath, keyPosition);
        object[key] = convert(pair.value as Node | null, childPath, key);
      }
      return object;
    }
    if (isSeq(target)) {
      return target.items.map((item, index) => convert(item as Node | null, [...path, index], undefined));
    }
    if (isScalar(target)) {
      const value = target.value;
      if (typeof value === 'string') {
        const replaced = interpolate(value, options.env);
        if (replaced.ok) return replaced.value;
        errors.push({ severity: 'error', message: replaced.error.message, position: positions.valueAt(path) });
        return value;
      }
      if (typeof value === 'number' && lastKey !== undefined && options.textNumberKeys.has(lastKey) && target.range) {
        return text.slice(target.range[0], target.range[1]).trim();
      }
      return value;
    }
    return null;
  };

  const data = convert(doc.contents as Node | null, [], undefined);
  return { data, positions, errors };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

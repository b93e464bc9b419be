import { type Alias, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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

/**
 * Bounds on what a config file may expand to. A real config is a few hundred
 * values; these are far above that and far below what would stall the daemon:
 * a "billion laughs" file of nested aliases, or thousands of levels of nesting,
 * is refused in milliseconds with one error instead of eating memory and stack.
 */
export const CONFIG_LIMITS = {
  /** Bytes of YAML text. */
  bytes: 1_048_576,
  /** Levels of nested mappings and lists. */
  depth: 64,
  /** Aliases (`*name`) followed: the yaml package's own maxAliasCount (100) applies only to its toJS, not to this walk. */
  aliases: 100,
  /** Values (mappings, lists and scalars) the document expands to, aliases followed. */
  values: 100_000,
} as const;

/** Stops the walk at the first exceeded limit: one clear error is all the user needs. */
class LimitExceeded extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** Parses YAML into plain data, remembering positions and reporting every syntax and variable error. */
export function parseYamlTree(text: string, options: YamlTreeOptions): YamlTree {
  const positions = new PositionIndex();
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > CONFIG_LIMITS.bytes) {
    const message = `the file is ${bytes.toLocaleString('en-US')} bytes; a config may be at most ${CONFIG_LIMITS.bytes.toLocaleString('en-US')} (1 MiB): is this the right file?`;
    return { data: undefined, positions, errors: [{ severity: 'error', message, position: { line: 1, col: 1 } }] };
  }
  const lineCounter = new LineCounter();
  const tooDeep = flowNestingBeyond(text, CONFIG_LIMITS.depth);
  if (tooDeep !== undefined) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1 && i < tooDeep; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    return { data: undefined, positions, errors: [{ severity: 'error', message: depthMessage, position: lineCounter.linePos(tooDeep) }] };
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors: Diagnostic[] = [];
  const at = (offset: number): SourcePosition => lineCounter.linePos(offset);

  for (const problem of doc.errors) {
    errors.push({ severity: 'error', message: `YAML syntax: ${firstLine(problem.message)}`, position: at(problem.pos[0]) });
  }
  if (errors.length > 0) return { data: undefined, positions, errors };

  let aliases = 0;
  let values = 0;
  /** The alias, written in the file's own text, whose expansion the walk is in: where a limit is reported. */
  let outermostAlias: Alias | undefined;
  const refuse = (node: Node, message: string): never => {
    const blamed = outermostAlias ?? node;
    throw new LimitExceeded({ severity: 'error', message, position: blamed.range ? at(blamed.range[0]) : { line: 1, col: 1 } });
  };
  const convert = (node: Node | null | undefined, path: ConfigPath, lastKey: string | undefined): unknown => {
    if (node == null) return null;
    if (path.length > CONFIG_LIMITS.depth) refuse(node, depthMessage);
    if (isAlias(node) && (aliases += 1) > CONFIG_LIMITS.aliases) {
      refuse(node, `more than ${CONFIG_LIMITS.aliases} aliases are followed from *${(outermostAlias ?? node).source}; a config needs a few at most: write the values out`);
    }
    if ((values += 1) > CONFIG_LIMITS.values) {
      refuse(node, `the file expands to more than ${CONFIG_LIMITS.values.toLocaleString('en-US')} values through anchors and aliases; a config holds a few hundred: write the values out`);
    }
    if (isAlias(node) && outermostAlias === undefined) {
      outermostAlias = node;
      try {
        return convert(node.resolve(doc as Document) as Node | undefined, path, lastKey);
      } finally {
        outermostAlias = undefined;
      }
    }
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

  try {
    const data = convert(doc.contents as Node | null, [], undefined);
    return { data, positions, errors };
  } catch (error) {
    if (error instanceof LimitExceeded) return { data: undefined, positions, errors: [error.diagnostic] };
    throw error;
  }
}

const depthMessage = `nested more than ${CONFIG_LIMITS.depth} levels deep; a config needs a handful`;

/** The lexer's markers for what it found; they stand for no text of the source. */
const MARKER_TOKENS = new Set(['\x02', '\x18', '\x1f']);

/**
 * The offset of the first `[` or `{` nested deeper than `limit`, found with the
 * yaml package's lexer (which knows quotes and comments, and does not recurse):
 * its parser recurses per flow level and overflows the stack at a few thousand.
 */
function flowNestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth += 1;
      if (depth > limit) return offset;
    } else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    if (!MARKER_TOKENS.has(token)) offset += token.length;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

import type { z } from 'zod';
import { type ConfigPath, type Diagnostic, describePath } from './diagnostic.js';
import { closest } from './suggest.js';
import type { PositionIndex } from './yaml-tree.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** Turns zod's issues into messages a person editing YAML can act on, at the line they must change. */
export function issuesToDiagnostics(issues: readonly Issue[], schema: AnySchema, data: unknown, positions: PositionIndex): Diagnostic[] {
  return issues.flatMap((issue) => describeIssue(issue, schema, data, positions));
}

function describeIssue(issue: Issue, schema: AnySchema, data: unknown, positions: PositionIndex): Diagnostic[] {
  const path = issue.path as ConfigPath;
  const error = (message: string, position = positions.valueAt(path)): Diagnostic => ({ severity: 'error', message, position });

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, data, path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known);
      const where = path.length > 0 ? ` in ${describePath(path)}` : '';
      const hint = suggestion ? `; did you mean ${suggestion}?` : known.length > 0 ? `; expected one of: ${known.join(', ')}` : '';
      return error(`unknown key "${key}"${where}${hint}`, positions.keyAt([...path, key]));
    });
  }
  const input = valueAt(data, path);
  if (input === undefined && path.length > 0 && issue.code !== 'custom') {
    const parent = path.slice(0, -1);
    const key = path[path.length - 1];
    const where = parent.length > 0 ? ` in ${describePath(parent)}` : '';
    return [error(`missing required setting "${String(key)}"${where}`, positions.valueAt(parent))];
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    return [error(`${describePath(path)} must be ${article(issue.expected)}, not ${describeValue(input)}`)];
  }
  const prefix = path.length > 0 ? `${describePath(path)}: ` : '';
  return [error(`${prefix}${issue.message}`)];
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping of settings';
  if (expected === 'string') return 'text';
  return `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

export function valueAt(data: unknown, path: ConfigPath): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  valueType?: AnySchema;
}

const defOf = (schema: AnySchema): Def => schema._zod.def as unknown as Def;

/** Follows wrappers (optional, defaults, transforms) to the schema that decides the shape. */
function unwrap(schema: AnySchema, data: unknown): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.options) {
      const type = data !== null && typeof data === 'object' ? (data as { type?: unknown }).type : undefined;
      const objects = def.options.filter((option) => defOf(unwrap(option, data)).type === 'object');
      const chosen = objects.find((option) => {
        const literal = defOf(unwrap(option, data)).shape?.['type'];
        return literal !== undefined && (literal._zod.def as unknown as { values?: unknown[] }).values?.includes(type);
      });
      const next = chosen ?? objects[0] ?? def.options.find((option) => defOf(option).type === 'array');
      if (!next) return current;
      current = next;
    } else return current;
  }
}

/** The keys the schema accepts at `path`, for "did you mean" suggestions. */
export function knownKeysAt(schema: AnySchema, data: unknown, path: ConfigPath): string[] {
  let current = unwrap(schema, data);
  let node = data;
  for (const segment of path) {
    node = valueAt(node, [segment]);
    const def = defOf(current);
    const next = typeof segment === 'number' ? def.element : def.shape?.[segment] ?? def.valueType;
    if (!next) return [];
    current = unwrap(next, node);
  }
  return Object.keys(defOf(current).shape ?? {}).filter((key) => !key.startsWith('$'));
}

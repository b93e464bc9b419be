import { z } from 'zod';

type Variant = z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>;

/** A pluggable kind of source or channel: its `type`, its config schema and its factory. */
export interface Kind {
  readonly type: string;
  readonly configSchema: Variant;
}

/** The kind registered for `type`; the config schema only lets registered types through. */
export function kindFor<T extends Kind>(kinds: readonly T[], type: string): T {
  const kind = kinds.find((candidate) => candidate.type === type);
  if (!kind) throw new Error(`no kind "${type}" is registered`);
  return kind;
}

type Schemas<T extends readonly Kind[]> = { [K in keyof T]: T[K]['configSchema'] };

/**
 * A `type`-discriminated union of the kinds' schemas whose error lists the valid
 * types, so a registry of kinds is the only place that names them.
 */
export function kindUnion<const T extends readonly [Kind, ...Kind[]]>(kinds: T) {
  const names = kinds.map((kind) => kind.type).join(', ');
  const schemas = kinds.map((kind) => kind.configSchema) as unknown as Schemas<T>;
  return z.discriminatedUnion('type', schemas as unknown as [Schemas<T>[0], ...Schemas<T>[number][]], {
    error: (issue) => (issue.code === 'invalid_union' ? `type must be one of: ${names}` : undefined),
  });
}

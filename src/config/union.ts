import { z } from 'zod';

type Variant = z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>;

/**
 * A `type`-discriminated union whose error lists the valid types, so a registry
 * of sources or channels is the only place that names them.
 */
export function typeUnion<const T extends readonly [Variant, ...Variant[]]>(variants: T) {
  const names = variants.map((variant) => String(variant.shape.type.value)).join(', ');
  return z.discriminatedUnion('type', variants as unknown as [T[0], ...T[number][]], {
    error: (issue) => (issue.code === 'invalid_union' ? `type must be one of: ${names}` : undefined),
  });
}

/**
 * JSON that keeps bigints (money is bigint minor units): a bigint is written as
 * `{"$bigint":"123"}` and read back as 123n.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$bigint' in v && typeof (v as { $bigint: unknown }).$bigint === 'string') {
      return BigInt((v as { $bigint: string }).$bigint);
    }
    return v;
  }) as T;
}

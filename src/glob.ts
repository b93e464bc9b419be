import picomatch from 'picomatch';

/** Whether a name pattern uses glob syntax (`upi_*`), as opposed to naming one thing exactly. */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/** A matcher for an exact name or a glob; names are matched whole and case-sensitively. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  if (!isGlob(pattern)) return (name) => name === pattern;
  const matches = picomatch(pattern, { dot: true });
  // Wrapped: picomatch's matcher takes a second argument that changes its return value.
  return (name) => matches(name);
}

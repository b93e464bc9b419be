import picomatch from 'picomatch';

/** Whether a name pattern uses glob syntax (`upi_*`), as opposed to naming one thing exactly. */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

const matchers = new Map<string, (name: string) => boolean>();

/** A matcher for an exact name or a glob; names are matched whole and case-sensitively. Compiled once per pattern. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  let matcher = matchers.get(pattern);
  if (!matcher) {
    if (isGlob(pattern)) {
      const matches = picomatch(pattern, { dot: true });
      // Wrapped: picomatch's matcher takes a second argument that changes its return value.
      matcher = (name) => matches(name);
    } else matcher = (name) => name === pattern;
    matchers.set(pattern, matcher);
  }
  return matcher;
}

import picomatch from 'picomatch';

interface CompiledPattern {
  readonly glob: boolean;
  readonly matches: (name: string) => boolean;
}

/** Patterns come from the config and silences, a bounded set: each is compiled once, since cycles ask about every account. */
const compiled = new Map<string, CompiledPattern>();

function compile(pattern: string): CompiledPattern {
  let found = compiled.get(pattern);
  if (!found) {
    const glob = picomatch.scan(pattern).isGlob;
    let matches: (name: string) => boolean;
    if (glob) {
      // picomatch's own regular expression, tested rather than matched: a match per account per cycle allocates its groups.
      const regex = picomatch.makeRe(pattern, { dot: true });
      matches = (name) => regex.test(name);
    } else matches = (name) => name === pattern;
    compiled.set(pattern, (found = { glob, matches }));
  }
  return found;
}

/** Whether a name pattern uses glob syntax (`upi_*`), as opposed to naming one thing exactly. */
export function isGlob(pattern: string): boolean {
  return compile(pattern).glob;
}

/** A matcher for an exact name or a glob; names are matched whole and case-sensitively. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  return compile(pattern).matches;
}

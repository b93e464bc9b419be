import { err, ok, type Result } from '../result.js';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface InterpolationError {
  readonly message: string;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` (the default applies when VAR is unset
 * or empty, as in a shell); `$$` is a literal `$`. Values are never echoed in
 * errors: they are often secrets.
 */
export function interpolate(text: string, env: Environment): Result<string, InterpolationError> {
  if (!text.includes('$')) return ok(text);
  let failure: InterpolationError | undefined;
  const result = text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    if (name === undefined) {
      failure ??= { message: `"${whole}" is not a valid variable reference; write \${NAME} or \${NAME:-default}` };
      return whole;
    }
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    failure ??= {
      message: `environment variable ${name} is not set; set it, or give a default with \${${name}:-value}`,
    };
    return whole;
  });
  return failure ? err(failure) : ok(result);
}

/** A path into the config document: keys and list indexes. */
export type ConfigPath = readonly (string | number)[];

export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

/** One problem found in a config file, located where the user has to look. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly position: SourcePosition;
}

/** `FILE:LINE:COL error: message`, the form editors and CI annotate. */
export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const { line, col } = diagnostic.position;
  return `${file}:${line}:${col} ${diagnostic.severity}: ${diagnostic.message}`;
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.position.line - b.position.line || a.position.col - b.position.col,
  );
}

/** `rules[2].warn_below`, for messages that name a setting. */
export function describePath(path: ConfigPath): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment),
    '',
  );
}

import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { formatDiagnostic } from '../config/diagnostic.js';
import { configPath } from '../config/file.js';
import { loadConfigFile } from '../config/load.js';
import type { Config } from '../config/types.js';

/**
 * Loads the config for a command, or prints every error and ends with
 * `exitCode`. With `json`, the errors are one JSON document on stdout, for
 * whatever reads the command's JSON (a monitoring check, a script).
 */
export async function loadConfigOrExit(option: string | undefined, io: CommandIo, exitCode: number, { json = false }: { readonly json?: boolean } = {}): Promise<Config> {
  const file = configPath(option, io.env);
  const loaded = await loadConfigFile(file, io.env);
  if (!loaded.config) {
    if (json) {
      const errors = loaded.errors.map((d) => ({ file, line: d.position.line, col: d.position.col, message: d.message }));
      io.out(JSON.stringify({ status: 'unknown', error: `the config is invalid; run balance-watch check -c ${file}`, config_errors: errors }, null, 2));
      throw new ExitError(exitCode);
    }
    for (const diagnostic of loaded.errors) io.err(formatDiagnostic(file, diagnostic));
    throw new ExitError(exitCode, `${file}: the config is invalid; run balance-watch check -c ${file}`);
  }
  return loaded.config;
}

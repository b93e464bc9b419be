/**
 * Ends a command with an exit status. Commands throw it; only the entry point
 * calls process.exit, so commands stay testable in-process.
 */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

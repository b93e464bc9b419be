/** What an error says, for a log line or a message: its message, or the thrown value as text. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The stack of an unexpected error, for the log: only the stack, never the error
 * object, whose other fields (an HTTP client's request config, say) may hold secrets.
 */
export const errorStack = (error: unknown): string | undefined => (error instanceof Error ? error.stack : undefined);

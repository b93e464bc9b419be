/**
 * Text from an API (a payment system's name, an error message) may hold
 * terminal control sequences: `\x1b[2J` clears the screen, `\x1b]0;…\x07`
 * retitles the terminal, a CR or LF breaks a table. Wherever such text reaches
 * a terminal or a log line, its control characters are shown escaped instead.
 */

// C0 controls, DEL and the C1 controls (U+0080–U+009F: \x9b is a one-byte CSI).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const hex = (char: string): string => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Every control character as `\xNN`, newlines and tabs too: for one cell, one name, one line. */
export function printable(text: string): string {
  return text.replace(CONTROL, hex);
}

/**
 * For whole outputs, whose own line breaks and tabs stay: any other control
 * character as `\u00NN`, which reads the same as text and stays valid inside a
 * JSON string (JSON.stringify already escapes the C0 ones, but not DEL or C1).
 */
export function printableOutput(text: string): string {
  return text.replace(CONTROL_BUT_LINES, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

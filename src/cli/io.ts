import type { Environment } from '../config/env.js';
import { printableOutput } from '../printable.js';

/** What a command may touch of its process: where it prints and the environment it reads. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Environment;
}

/** Whatever a command prints passes here: a control sequence from an API's text never reaches the terminal raw. */
const line = (text: string): string => printableOutput(text.endsWith('\n') ? text : `${text}\n`);

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(line(text)),
  err: (text) => process.stderr.write(line(text)),
  env: process.env,
};

// Where a command writes. Tests pass their own; the bin passes the process.
import { colourWanted } from './colour.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether each stream takes colour (runtime/cli/colour.ts); absent means no. */
  colour?: { out: boolean; err: boolean };
}

export const processIo: Io = {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  get colour() { return { out: colourWanted(process.stdout), err: colourWanted(process.stderr) }; },
};

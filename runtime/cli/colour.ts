// Colour on terminals, and only there (colour-wanted.ts says when).
// picocolors does the escapes; its own detection is not used, since it
// looks only at stdout and turns colour on for any CI.
import pc from 'picocolors';
import type { Io } from './io.js';
import { colourWanted } from './colour-wanted.js';

export { colourWanted };
export type Colours = ReturnType<typeof pc.createColors>;

const on = pc.createColors(true);
const off = pc.createColors(false);

/** The styles a command uses, each a no-op when colour is off. */
export interface Style {
  enabled: boolean;
  /** `error[code]` / `warning[code]` labels. */
  error: (s: string) => string;
  warning: (s: string) => string;
  /** The `-->` location, the code frame's gutter and line numbers. */
  location: (s: string) => string;
  gutter: (s: string) => string;
  /** Carets under an error (a warning's are yellow). */
  caret: (s: string, severity?: 'error' | 'warning') => string;
  /** The `hint:` label. */
  hint: (s: string) => string;
  /** Help headings (Usage:, Options:, ...). */
  heading: (s: string) => string;
  /** Passing and failing test lines. */
  pass: (s: string) => string;
  fail: (s: string) => string;
  dim: (s: string) => string;
  colours: Colours;
}

export function style(enabled: boolean): Style {
  const c = enabled ? on : off;
  return {
    enabled,
    error: (s) => c.bold(c.red(s)),
    warning: (s) => c.bold(c.yellow(s)),
    location: (s) => c.cyan(s),
    gutter: (s) => c.bold(c.blue(s)),
    caret: (s, severity = 'error') => c.bold(severity === 'warning' ? c.yellow(s) : c.red(s)),
    hint: (s) => c.bold(c.cyan(s)),
    heading: (s) => c.bold(c.underline(s)),
    pass: (s) => c.green(s),
    fail: (s) => c.bold(c.red(s)),
    dim: (s) => c.dim(s),
    colours: c,
  };
}

/** The style for what a command writes with io.out / io.err. An Io without colour flags (a test's) gets none. */
export function outStyle(io: Io): Style { return style(io.colour?.out === true); }
export function errStyle(io: Io): Style { return style(io.colour?.err === true); }

/** A help text with its headings (a line such as "Options:" or the "Usage:" label) in bold. */
export function paintHelp(text: string, s: Style): string {
  if (!s.enabled) return text;
  return text.replace(/^([A-Z][A-Za-z ]*:)(?= |$)/gm, (h) => s.heading(h));
}

/** `error[usage]: message`, the label coloured, for main()'s usage errors. */
export function usageText(message: string, s: Style): string {
  return `${s.error('error[usage]')}: ${message}`;
}

/** A warning line such as "warning[stale-pure-assumption]: ...", its label coloured. */
export function paintWarning(line: string, s: Style): string {
  return s.enabled ? line.replace(/^warning\[[^\]]*\]/, (l) => s.warning(l)) : line;
}

/** A preformatted "error[code]: ...\nhint: ..." (a CellError's or BuildError's format()), its labels coloured. */
export function paintFormatted(text: string, s: Style): string {
  if (!s.enabled) return text;
  return text.replace(/^error\[[^\]]*\]/, (l) => s.error(l)).replace(/^hint:/m, (h) => s.hint(h));
}

// Shared argument parsing for subcommands (node:util parseArgs), with
// errors in our words that say what was wrong and where to get help.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A wrong option or argument. main() prints it as error[usage] and ends it
 * with "run 'ww COMMAND --help' for usage" when the message does not
 * already point somewhere, so every usage error says where help is.
 */
export class UsageError extends Error {
  /**
   * `command`: the command whose help to point at, when not the one main()
   * dispatched. `status`: the exit status (2; ww test's "no test files" is 1).
   */
  constructor(message: string, readonly command?: string, readonly status = 2) { super(message); }
}

/** The last line of every usage error. */
export function helpLine(command: string): string {
  return `run 'ww ${command} --help' for usage`;
}

export function parse<T extends ParseArgsConfig['options']>(command: string, args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(`${parseErrorText(e)}\n${helpLine(command.split(' ')[0]!)}`);
  }
}

/** node:util's parse errors, reworded (its own text quotes unevenly and speaks of "positional arguments"). */
function parseErrorText(e: unknown): string {
  const msg = (e as Error)?.message ?? String(e);
  const quoted = /'([^']*)'/.exec(msg)?.[1] ?? '';
  switch ((e as { code?: string })?.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}; an argument that starts with - goes after --, as in: -- ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // "Option '-f, --file <value>' argument missing" / "Option '--json' does not take an argument"
      const name = quoted.replace(/ <value>$/, '').split(', ').pop() ?? quoted;
      return /missing/.test(msg) ? `${name} needs a value` : `${name} takes no value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}; this command takes options only`;
  }
  return msg;
}

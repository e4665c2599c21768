// Shared argument parsing for subcommands (node:util parseArgs), with
// errors that say what was wrong and where to get help.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parse<T extends ParseArgsConfig['options']>(command: string, args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/^.*?: /, '')}\nrun 'ww ${command} --help' for usage`);
  }
}

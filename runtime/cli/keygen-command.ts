// `ww keygen [--output PATH] [--force]`: a new Ed25519 node identity, as
// base58btc of its 32-byte seed, to PATH (mode 0600) or stdout; the peer id
// goes to stderr, so `ww keygen > key` keeps the file clean.
import { newIdentity, writeIdentityFile } from '../node/identity.js';
import { NodeError } from '../node/errors.js';
import { outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const KEYGEN_HELP = `Usage: ww keygen [--output PATH] [--force]

Creates a new Ed25519 node identity: base58btc of its 32-byte seed, one
line. Prints it on stdout, or writes it to PATH with mode 0600. The peer id
(12D3KooW...) is printed on stderr.

Options:
  -o, --output PATH   write the identity to PATH (for ww run --identity PATH)
      --force         replace PATH if it exists (its old peer id is lost)
  -h, --help          show this help`;

export async function keygenCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('keygen', args, { output: { type: 'string', short: 'o' }, force: { type: 'boolean' } });
  if (values.help) { io.out(paintHelp(KEYGEN_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length) throw new UsageError(`ww keygen takes no arguments, got ${positionals[0]}\nrun 'ww keygen --help' for usage`);
  if (values.force && values.output === undefined) throw new UsageError("--force goes with --output PATH\nrun 'ww keygen --help' for usage");
  const { identity, text } = await newIdentity();
  try {
    if (values.output !== undefined) writeIdentityFile(values.output, text, values.force === true);
    else io.out(text);
  } catch (e) {
    if (!(e instanceof NodeError)) throw e;
    io.err(e.format() + '\n');
    return 1;
  }
  io.err(`Peer ID: ${identity.peerId.toString()}\n`);
  return 0;
}

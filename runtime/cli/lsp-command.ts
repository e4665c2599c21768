// `ww lsp`: the Glia language server on stdio, for editors. `--stdio` is
// accepted (and is the only transport) because editors pass it. The
// server itself lives in lsp/; this command only starts it.
import { parse } from './args.js';
import { outStyle, paintHelp } from './colour.js';
import type { Io } from './io.js';

export const LSP_HELP = `Usage: ww lsp [--stdio]

Runs the Glia language server, speaking the Language Server Protocol on
stdin and stdout, until the editor closes the connection. Editors start it;
see doc/lsp.md for the features and settings.

Options:
      --stdio   talk over stdin and stdout (the default and only transport)
  -h, --help    show this help`;

export async function lspCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse('lsp', args, { stdio: { type: 'boolean' } }, false);
  if (values.help) { io.out(paintHelp(LSP_HELP, outStyle(io)) + '\n'); return 0; }
  const { startStdioServer } = await import('../../lsp/server.js');
  startStdioServer();
  // The server ends the process itself when the editor sends exit or closes stdin.
  return new Promise<number>(() => {});
}

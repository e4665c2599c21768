// The `ww` program: subcommand dispatch and top-level help.
import { UsageError, helpLine } from './args.js';
import { processIo, type Io } from './io.js';
import { errStyle, outStyle, paintHelp, usageText } from './colour.js';

export const MAIN_HELP = `Usage: ww <command> [options]

Wetware: run code you did not write as capability-confined cells, and wire
them together with Glia.

Commands:
  eval EXPR | -f FILE   evaluate Glia locally and print the last value
  run [LAYER...]        boot a node: libp2p, IPFS, cells, WAGI on 127.0.0.1:2080
  push [DIR]            add an image folder to IPFS (through the running node), print its CID
  test [FILES...]       run ww/test suites (default: every *_test.glia under test/)
  cell run FILE.wasm    run a WebAssembly component as a cell, with no grants
  build [PATH]          compile a Glia cell project (cell.edn) to bin/NAME.wasm
  init NAME             create a Glia cell project that builds and runs as-is
  fmt [--check] FILES   format Glia source in place (- for stdin to stdout)
  check FILES...        check Glia files without running them (effects, capability calls, names)
  lsp [--stdio]         run the Glia language server for editors (LSP on stdio)
  keygen [--output P]   create a node identity (Ed25519), print its peer id
  doctor                check this machine for running a node
  shell [ADDR] [--local] evaluate Glia interactively with a node's capabilities (piped: line by line)
  mcp [ADDR] [--local]  serve Glia to an LLM agent over MCP (stdio): eval, check, describe, doc
  perform install       set up ~/.ww, a user service running the node, and MCP for Claude Code
  perform uninstall     remove the service and the MCP entry (asks before deleting ~/.ww)

Options:
  -h, --help            show help (also after any command: ww eval --help)
  -v, --version         show the version

Quick start:
  npx ww eval '(+ 1 2)'`;

type Command = (args: string[], io: Io) => Promise<number>;

// Each command is loaded when it runs: `ww eval` does not pay for the cell
// host (jco) or the language server, and an embedding that bundles the CLI
// for one command (the VS Code extension bundles it for `ww eval`) can
// leave the heavy packages out.
const commands: Record<string, () => Promise<Command>> = {
  eval: async () => (await import('./eval-command.js')).evalCommand,
  test: async () => (await import('./test-command.js')).testCommand,
  cell: async () => (await import('./cell-command.js')).cellCommand,
  build: async () => (await import('./build-command.js')).buildCommand,
  init: async () => (await import('./init-command.js')).initCommand,
  fmt: async () => (await import('./fmt-command.js')).fmtCommand,
  check: async () => (await import('./check-command.js')).checkCommand,
  lsp: async () => (await import('./lsp-command.js')).lspCommand,
  keygen: async () => (await import('./keygen-command.js')).keygenCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  doctor: async () => (await import('./doctor-command.js')).doctorCommand,
  push: async () => (await import('./push-command.js')).pushCommand,
  shell: async () => (await import('./shell-command.js')).shellCommand,
  mcp: async () => (await import('./mcp-command.js')).mcpCommand,
  perform: async () => (await import('./perform-command.js')).performCommand,
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [first, ...args] = argv;
  // `ww shell --mcp ...` is `ww mcp ...`: the same node selection, served over MCP.
  // (Only as a flag: not as the value of --eval, nor after --.)
  const flagAt = args.findIndex((a, i) => a === '--mcp' && args[i - 1] !== '--eval' && !args.slice(0, i).includes('--'));
  const asMcp = first === 'shell' && flagAt >= 0;
  const cmd = asMcp ? 'mcp' : first;
  const rest = asMcp ? args.filter((_, i) => i !== flagAt) : args;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    io.out(paintHelp(MAIN_HELP, outStyle(io)) + '\n');
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '-v' || cmd === '--version') { io.out('ww 0.1.0\n'); return 0; }
  const load = commands[cmd];
  if (!load) {
    io.err(`${usageText(`unknown command '${cmd}'`, errStyle(io))}\nrun 'ww --help' for the list of commands\n`);
    return 2;
  }
  try {
    const run = await load();
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const help = /--help/.test(e.message) ? '' : `\n${helpLine(e.command ?? cmd)}`;
      io.err(`${usageText(e.message + help, errStyle(io))}\n`);
      return e.status;
    }
    io.err(`error[internal]: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

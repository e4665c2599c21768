// `ww perform install | uninstall`: sets this machine up to run a node
// from ~/.ww as a user service and wires `ww mcp` into MCP clients, or
// undoes it (runtime/install/). One status line per step; exit 1 when a
// step failed.
import { createInterface } from 'node:readline/promises';
import { install, type Step } from '../install/install.js';
import { uninstall } from '../install/uninstall.js';
import { outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const PERFORM_HELP = `Usage: ww perform install
       ww perform uninstall [--yes]

install: creates ~/.ww/{bin,etc/init.d,etc/ns,logs,ipfs}, an identity
(~/.ww/identity) if there is none, etc/init.d/05-status.glia (the std
image's status script) and bin/status.wasm if absent; writes a user
service running ww run ~/.ww (systemd on Linux: ~/.config/systemd/user/
ww.service; launchd on macOS) and prints the command that enables it;
wires MCP: with claude (Claude Code) on PATH it runs claude mcp add, replacing
an earlier entry, otherwise it prints that command and the JSON for other
MCP clients. Each step prints one line: done, already there, skipped (and
why) or failed. Running it again is safe.

uninstall: stops and removes the service and the MCP entry, then asks
before deleting ~/.ww (which holds the node's identity); without a terminal
to ask on, ~/.ww is kept unless --yes is given.

Options:
  -y, --yes        uninstall: delete ~/.ww without asking
  -h, --help       show this help`;

const WIDTH = { status: 13, step: 14 };

export async function performCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('perform', args, { yes: { type: 'boolean', short: 'y' } });
  if (values.help) { io.out(paintHelp(PERFORM_HELP, outStyle(io)) + '\n'); return 0; }
  const [action, ...extra] = positionals;
  if (action !== 'install' && action !== 'uninstall') {
    throw new UsageError(action === undefined ? 'ww perform needs install or uninstall' : `ww perform does install or uninstall, not ${JSON.stringify(action)}`);
  }
  if (extra.length) throw new UsageError(`ww perform ${action} takes no arguments, got ${extra[0]}`);
  if (values.yes && action === 'install') throw new UsageError('--yes goes with uninstall');
  const report = (s: Step) => {
    io.out(`${s.status.padEnd(WIDTH.status)} ${s.step.padEnd(WIDTH.step)} ${s.detail}\n`);
    for (const line of s.more ?? []) io.out(`${' '.repeat(WIDTH.status + WIDTH.step + 2)}${line}\n`);
  };
  const steps = action === 'install'
    ? await install({ report })
    : await uninstall({ report, yes: values.yes === true, ask: askOnTerminal });
  return steps.some((s) => s.status === 'failed') ? 1 : 0;
}

/** A yes/no question on the terminal; null when stdin is not one (a script, a pipe): nobody can answer. */
async function askOnTerminal(question: string): Promise<boolean | null> {
  if (!process.stdin.isTTY) return null;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try { return /^\s*y(es)?\s*$/i.test(await rl.question(question)); }
  finally { rl.close(); }
}

// Which test files share a process (vitest project `in-process`, run with
// `isolate: false`) and which get a fresh one each (project `isolated`).
// A fresh process costs a file about 0.5 s of CPU (the fork, vitest's
// worker, setup.ts, every module it imports again: measured 23.5 s of CPU
// for 20 small files isolated, 13.4 s sharing), and most files do not need
// one: they change no process-wide state (no process.chdir, no assignments
// to process.env, no vi.mock/stubGlobal, no fake timers, no counters that
// other files move) and close what they start. Starting child processes
// (`ww`, capnp, a language server) or in-process libp2p nodes is fine: they
// belong to the file, which stops them. A file that is not listed here (a
// new one) is isolated: add it once it is known to qualify.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IN_PROCESS_PROJECT = 'in-process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Folders whose every file shares a process. */
const SHARED_FOLDERS = ['glia/test/', 'test/property/', 'test/golden/', 'test/architecture/', 'test/conformance/'];

/**
 * Files in those folders that need their own process: prelude-image
 * compares the prelude compiled in its process with the image, and
 * compiled code names its gensyms by a process-wide counter that files run
 * before it in the same process move on.
 */
const OWN_PROCESS = new Set(['glia/test/prelude-image.test.ts']);
// Elsewhere, glia-rpc.test.ts needs its own process too: it checks `(methods
// host)` of a plain Host capability, and which Glia value class serves the
// Host interface is a process-wide registry (capValueClasses in
// runtime/membrane/glia-cap.ts) that importing host-cap.ts fills; after the
// node files, `methods` lists :dial-stream and the rest (seen in a shared
// run). It is simply not listed below.

/** Files elsewhere that share a process (checked one by one for the conditions above). */
const SHARED_FILES = [
  'lsp/test/cli.test.ts', 'lsp/test/completion.test.ts', 'lsp/test/diagnostics.test.ts', 'lsp/test/dosync.test.ts',
  'lsp/test/editing.test.ts', 'lsp/test/hover.test.ts', 'lsp/test/navigation.test.ts', 'lsp/test/symbols.test.ts',
  'runtime/test/build/cell-pause.test.ts', 'runtime/test/build/wat-build.test.ts', 'runtime/test/build/probe.test.ts',
  'runtime/test/cell/cgi.test.ts', 'runtime/test/cell/cid.test.ts', 'runtime/test/cell/glia-cells.test.ts',
  'runtime/test/cell/grants.test.ts', 'runtime/test/cell/http-listener.test.ts', 'runtime/test/cell/limits.test.ts',
  'runtime/test/cell/memory-guard.test.ts', 'runtime/test/cell/servers.test.ts', 'runtime/test/cell/vat-modes.test.ts',
  'runtime/test/cell/wasi.test.ts', 'runtime/test/cell/workers.test.ts',
  'runtime/test/check-cli.test.ts', 'runtime/test/cli-colour-pty.test.ts', 'runtime/test/cli-words.test.ts',
  'runtime/test/epoch-head.test.ts', 'runtime/test/fmt-cli.test.ts',
  'runtime/test/glia-struct-lists.test.ts', 'runtime/test/install/perform.test.ts', 'runtime/test/install/uninstall-tty.test.ts',
  'runtime/test/interop-peer.test.ts', 'runtime/test/mcp/mcp-node.test.ts', 'runtime/test/membrane.test.ts',
  'runtime/test/node/admin.test.ts', 'runtime/test/node/atom-contract.test.ts', 'runtime/test/node/auth/authorized-keys.test.ts',
  'runtime/test/node/auth/challenge.test.ts', 'runtime/test/node/auth/dial-node-inproc.test.ts', 'runtime/test/node/auth/login-flag.test.ts',
  'runtime/test/node/auth/login-node.test.ts', 'runtime/test/node/auth/terminal.test.ts', 'runtime/test/node/boot.test.ts',
  'runtime/test/node/chain-flags.test.ts', 'runtime/test/node/control.test.ts', 'runtime/test/node/doctor.test.ts',
  'runtime/test/node/epoch-chain.test.ts', 'runtime/test/node/epoch-sources.test.ts', 'runtime/test/node/http-client-cap.test.ts',
  'runtime/test/node/http-listener-cap.test.ts', 'runtime/test/node/identity-cap.test.ts', 'runtime/test/node/ipfs-helia.test.ts',
  'runtime/test/node/ipfs-kubo.test.ts', 'runtime/test/node/mdns.test.ts', 'runtime/test/node/metrics.test.ts',
  'runtime/test/node/missing-cell.test.ts', 'runtime/test/node/own-files.test.ts', 'runtime/test/node/p2p/nodes.test.ts',
  'runtime/test/node/p2p/vats-streams.test.ts', 'runtime/test/node/routing-caps.test.ts', 'runtime/test/node/state/codec.test.ts',
  'runtime/test/node/state/kubo.test.ts', 'runtime/test/node/state/remote.test.ts', 'runtime/test/node/state/restart.test.ts',
  'runtime/test/node/state/state-ref.test.ts', 'runtime/test/node/status-route.test.ts', 'runtime/test/node/swarm.test.ts',
  'runtime/test/node/wagi.test.ts', 'runtime/test/quick-help.test.ts', 'runtime/test/read-input.test.ts',
  'runtime/test/rpc-copy.test.ts', 'runtime/test/rpc-finish.test.ts', 'runtime/test/rpc-framing.test.ts',
  'runtime/test/rpc-transport.test.ts', 'runtime/test/rpc-validate.test.ts', 'runtime/test/rpc-vats.test.ts',
  'runtime/test/rpc-wire.test.ts', 'runtime/test/schema-wire.test.ts', 'runtime/test/session/shell-cli.test.ts',
  'runtime/test/shell/app-node.test.ts', 'runtime/test/shell/parts.test.ts',
  'test/bench/p2p-epoch-chain-smoke.test.ts', 'test/bench/rpc-smoke.test.ts', 'test/contracts.test.ts',
  'test/docs/capability-doc.test.ts', 'test/docs/cli-flags.test.ts', 'test/docs/examples.test.ts',
  'test/docs/language-coverage.test.ts', 'test/examples/agent.test.ts', 'test/examples/discovery.test.ts',
  'test/examples/echo.test.ts', 'test/examples/readme-commands.test.ts', 'test/examples/status.test.ts',
  'test/generated.test.ts', 'test/vscode-extension/eval-result.test.ts', 'test/vscode-extension/grammar.test.ts',
  'test/vscode-extension/imports.test.ts', 'test/vscode-extension/language-configuration.test.ts',
  'test/vscode-extension/top-level-form.test.ts',
];

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...testFiles(rel));
    else if (e.name.endsWith('.test.ts')) out.push(rel);
  }
  return out;
}

const ALL = ['glia/test', 'runtime/test', 'lsp/test', 'test'].flatMap(testFiles).map((f) => relative(ROOT, join(ROOT, f)).split('\\').join('/'));
const SHARED = new Set(SHARED_FILES);
const shares = (f: string) => !OWN_PROCESS.has(f) && (SHARED.has(f) || SHARED_FOLDERS.some((d) => f.startsWith(d)));

/** The files of the in-process project, as paths from the repository root. */
export const IN_PROCESS = ALL.filter(shares);
/** Every other test file (the isolated project). */
export const NOT_IN_PROCESS = ALL.filter((f) => !shares(f));

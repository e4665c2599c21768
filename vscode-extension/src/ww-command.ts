// How the extension runs `ww`: the CLI bundled in the .vsix (server/ww.js)
// on VS Code's own Node, or the program named by the `glia.ww.path`
// setting. Pure, so both choices are unit-tested without VS Code.
import { join } from 'node:path';

export interface WwSettings {
  /** `glia.ww.path`: empty for the bundled CLI, else a command (`ww`) or a path. */
  wwPath: string;
  /** The extension's install directory (`ExtensionContext.extensionPath`). */
  extensionPath: string;
  /** The Node that runs the bundled files: VS Code's `process.execPath`. */
  execPath: string;
  platform: NodeJS.Platform;
}

export interface WwCommand {
  command: string;
  args: string[];
  /** Extra environment for the child process. */
  env: Record<string, string>;
}

/** The bundled files, relative to the extension directory. */
export const BUNDLED_SERVER = join('server', 'server.js');
export const BUNDLED_CLI = join('server', 'ww.js');

/**
 * The V8 flags the `ww` bin runs with (see bin/ww.js): a larger stack, so
 * pure Glia recursion goes past 10,000 frames. Only where the main thread
 * has the 8 MiB stack the flag assumes; Windows gives it 1 MiB, and npm's
 * Windows shim for `ww` does not pass the flag either.
 */
export function nodeFlags(platform: NodeJS.Platform): string[] {
  return platform === 'win32' ? [] : ['--stack-size=3800'];
}

/** `ww <args...>` as a process to spawn. */
export function wwCommand(s: WwSettings, args: string[]): WwCommand {
  const custom = s.wwPath.trim();
  if (custom) return { command: custom, args, env: {} };
  return {
    command: s.execPath,
    args: [...nodeFlags(s.platform), join(s.extensionPath, BUNDLED_CLI), ...args],
    // VS Code's execPath is Electron; this makes it behave as plain Node.
    env: { ELECTRON_RUN_AS_NODE: '1' },
  };
}

// The import object for one spawn: every interface in the WASI surface,
// bound to this cell's rings, arguments and environment, and handed to
// jco's `instantiate` under the exact keys the glue reads. Nothing else is
// in it. Each spawn builds its own, so no state passes between cells.
import { cliInterfaces, type CliContext } from './cli.js';
import { clockInterfaces } from './clocks.js';
import { filesystemInterfaces } from './filesystem.js';
import { CellIo, InputStream, IoError, OutputStream, Pollable } from './io.js';
import { randomInterfaces } from './random.js';
import { membraneChannel, type ChannelRings } from './membrane-channel.js';
import { splitVersion } from './surface.js';
import type { Ring } from '../ring.js';

export interface HostOptions {
  io: CellIo;
  args: readonly string[];
  env: ReadonlyArray<readonly [string, string]>;
  stdin: Ring;
  stdout: Ring;
  stderr: Ring;
  exit: CliContext['exit'];
  /** The ww:cell/membrane channel's rings; none (absent or null): the channel is at its end. */
  membrane?: ChannelRings | null;
}

/** Every interface of the surface by versionless name. */
export function wasiInterfaces(o: HostOptions): Record<string, Record<string, unknown>> {
  const { io } = o;
  return {
    ...cliInterfaces({
      args: o.args, env: o.env, exit: o.exit,
      stdin: new InputStream(io, o.stdin),
      stdout: new OutputStream(io, o.stdout),
      stderr: new OutputStream(io, o.stderr),
    }),
    ...clockInterfaces(io),
    ...randomInterfaces(io),
    ...filesystemInterfaces(),
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll: (list: Pollable[]) => io.poll(list) },
    'wasi:io/streams': { InputStream, OutputStream },
    'ww:cell/membrane': membraneChannel(io, o.membrane ?? null),
  };
}

/**
 * The object for jco's instantiate, keyed as the glue spells its imports
 * (with or without a version). The load-time check already refused any
 * key outside the surface; one that still slips through is left out, and
 * the glue then fails to instantiate rather than getting a stand-in.
 */
export function importObject(importKeys: readonly string[], o: HostOptions): Record<string, Record<string, unknown>> {
  const all = wasiInterfaces(o);
  const out: Record<string, Record<string, unknown>> = {};
  for (const key of importKeys) {
    const impl = all[splitVersion(key)[0]];
    if (impl) out[key] = impl;
  }
  return out;
}

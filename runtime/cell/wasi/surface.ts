// The WASI 0.2 surface a cell is given: every interface and function the
// host implements, by WIT name. The load-time import check reads this
// table, and a test holds the implementation (wasi/host.ts) to it, so the
// two cannot drift apart.
//
// Present: stdio, environment and arguments (only what the spawn passes),
// exit, terminals (always "not a terminal"), clocks, random, the
// filesystem interfaces with no preopened directory, and io streams, poll
// and error. Absent: wasi:sockets and wasi:http, and anything else. A
// component importing one of them does not load.

/** Functions per interface, as WIT names them: `f`, `[method]r.m`, `[static]r.m`, `[constructor]r`. */
export const WASI_SURFACE: Readonly<Record<string, readonly string[]>> = {
  'wasi:cli/environment': ['get-environment', 'get-arguments', 'initial-cwd'],
  'wasi:cli/exit': ['exit', 'exit-with-code'],
  'wasi:cli/stdin': ['get-stdin'],
  'wasi:cli/stdout': ['get-stdout'],
  'wasi:cli/stderr': ['get-stderr'],
  'wasi:cli/terminal-input': [],
  'wasi:cli/terminal-output': [],
  'wasi:cli/terminal-stdin': ['get-terminal-stdin'],
  'wasi:cli/terminal-stdout': ['get-terminal-stdout'],
  'wasi:cli/terminal-stderr': ['get-terminal-stderr'],
  'wasi:clocks/monotonic-clock': ['now', 'resolution', 'subscribe-instant', 'subscribe-duration'],
  'wasi:clocks/wall-clock': ['now', 'resolution'],
  'wasi:filesystem/preopens': ['get-directories'],
  'wasi:filesystem/types': [
    'filesystem-error-code',
    ...[
      'read-via-stream', 'write-via-stream', 'append-via-stream', 'advise', 'sync-data', 'get-flags', 'get-type',
      'set-size', 'set-times', 'read', 'write', 'read-directory', 'sync', 'create-directory-at', 'stat', 'stat-at',
      'set-times-at', 'link-at', 'open-at', 'readlink-at', 'remove-directory-at', 'rename-at', 'symlink-at',
      'unlink-file-at', 'is-same-object', 'metadata-hash', 'metadata-hash-at',
    ].map((m) => `[method]descriptor.${m}`),
    '[method]directory-entry-stream.read-directory-entry',
  ],
  'wasi:io/error': ['[method]error.to-debug-string'],
  'wasi:io/poll': ['poll', '[method]pollable.ready', '[method]pollable.block'],
  'wasi:io/streams': [
    ...['read', 'blocking-read', 'skip', 'blocking-skip', 'subscribe'].map((m) => `[method]input-stream.${m}`),
    ...[
      'check-write', 'write', 'blocking-write-and-flush', 'flush', 'blocking-flush', 'subscribe', 'write-zeroes',
      'blocking-write-zeroes-and-flush', 'splice', 'blocking-splice',
    ].map((m) => `[method]output-stream.${m}`),
  ],
  'wasi:random/random': ['get-random-bytes', 'get-random-u64'],
  'wasi:random/insecure': ['get-insecure-random-bytes', 'get-insecure-random-u64'],
  'wasi:random/insecure-seed': ['insecure-seed'],
  // Not WASI: the cell's membrane as a byte channel (runtime/cell/wit/membrane.wit),
  // for the raw and http modes, where stdio is taken. Open only when the spawn has grants.
  'ww:cell/membrane': ['read', 'write'],
};

/** The one version of each non-WASI interface in the surface. */
const OWN_VERSIONS: Readonly<Record<string, string>> = { 'ww:cell/membrane': '0.1.0' };

/** Whether `version` of the surface interface `base` is one the host speaks. */
export function isSurfaceVersion(base: string, version: string | undefined): boolean {
  const own = OWN_VERSIONS[base];
  return own !== undefined ? version === own : isSupportedVersion(version);
}

/** The WASI versions the host speaks: any 0.2.x (later 0.2 releases only add, behind feature gates). */
export function isSupportedVersion(version: string | undefined): boolean {
  return version !== undefined && /^0\.2\.\d+$/.test(version);
}

/** 'wasi:cli/stdin@0.2.3' -> ['wasi:cli/stdin', '0.2.3']. */
export function splitVersion(name: string): [string, string | undefined] {
  const at = name.indexOf('@');
  return at < 0 ? [name, undefined] : [name.slice(0, at), name.slice(at + 1)];
}

/** 'get-random-u64' -> 'getRandomU64'; the names jco gives functions and methods in JS. */
export function jsName(witName: string): string {
  return witName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** 'input-stream' -> 'InputStream'; the names jco gives resources in JS. */
export function jsClassName(witName: string): string {
  const n = jsName(witName);
  return n.charAt(0).toUpperCase() + n.slice(1);
}

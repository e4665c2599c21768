// wasi:filesystem for a cell: the interfaces exist, because every wasip2
// toolchain's libc imports them, but there are no preopened directories,
// so no descriptor can ever be obtained and no path can ever be named.
// (A read-only view of the node's image, when that grant exists, is a
// preopen added here.)
//
// The resource classes are still real classes, because the glue checks
// values against them; with no instance in existence, their methods are
// unreachable, and each answers as a POSIX host would for a descriptor
// that is not open.
import { WASI_SURFACE } from './surface.js';
import { jsName } from './surface.js';

const BAD_DESCRIPTOR = 'bad-descriptor';

export class Descriptor { private constructor() {} }
export class DirectoryEntryStream { private constructor() {} }

// Every descriptor method in the surface, answering bad-descriptor.
for (const fn of WASI_SURFACE['wasi:filesystem/types']!) {
  const m = /^\[method\](descriptor|directory-entry-stream)\.(.+)$/.exec(fn);
  if (!m) continue;
  const cls: any = m[1] === 'descriptor' ? Descriptor : DirectoryEntryStream;
  Object.defineProperty(cls.prototype, jsName(m[2]!), {
    value() { throw BAD_DESCRIPTOR; },
    writable: false, enumerable: false, configurable: false,
  });
}

export function filesystemInterfaces(): Record<string, Record<string, unknown>> {
  return {
    'wasi:filesystem/preopens': { getDirectories: () => [] },
    'wasi:filesystem/types': {
      Descriptor,
      DirectoryEntryStream,
      // Stream errors in this host never come from a filesystem operation.
      filesystemErrorCode: () => undefined,
    },
  };
}

// Whether this machine has the Cap'n Proto reference tools, for the few
// tests that check our code against them (everything else runs on the
// committed generated code with Node alone). Use as
//   describe.skipIf(skipWithoutCapnp('compiler', 'schema wire format'))(...)
// A missing tool prints one line saying what is missing and how to install
// it, and the tests skip; a skip is never a pass. With WW_REQUIRE_CAPNP=1
// (.ci/run sets it after installing the packages) a missing tool is a
// failing test instead, which says what is missing.
import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

export type CapnpNeed =
  /** `capnp` (Debian capnproto): capnp encode/decode/compile. */
  | 'compiler'
  /** Also libcapnp-dev's headers and library, capnpc-c++ and a C++ compiler: the C++ interop peer. */
  | 'library';

export const INSTALL_CAPNP = 'apt-get install capnproto libcapnp-dev';

function runs(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

let compiler: string | null | undefined;
let library: string | null | undefined;

/** What is missing for `need`, or null when everything is there. Probed once per process. */
export function capnpMissing(need: CapnpNeed): string | null {
  if (compiler === undefined) compiler = runs('capnp', ['--version']) ? null : 'the `capnp` compiler is not on PATH';
  if (need === 'compiler') return compiler;
  if (library === undefined) {
    const cxx = process.env.CXX ?? 'g++';
    const gone = [
      compiler ? 'capnp' : '',
      runs('capnpc-c++', ['--version']) ? '' : 'capnpc-c++',
      runs('pkg-config', ['--exists', 'capnp-rpc']) ? '' : 'the capnp-rpc library (pkg-config capnp-rpc)',
      runs(cxx, ['--version']) ? '' : `a C++ compiler (${cxx})`,
    ].filter(Boolean);
    library = gone.length ? `missing ${gone.join(', ')}` : null;
  }
  return library;
}

/**
 * For `describe.skipIf` / `it.skipIf`: true, after one warning line, when
 * `need` is missing; false when it is there. `what` names the tests. Under
 * WW_REQUIRE_CAPNP=1 a missing need also adds a test that fails with the
 * reason (a real failing test, counted as one, rather than the confusing
 * errors of the tests themselves); call it where a test may be declared.
 */
export function skipWithoutCapnp(need: CapnpNeed, what: string): boolean {
  const missing = capnpMissing(need);
  if (!missing) return false;
  if (process.env.WW_REQUIRE_CAPNP === '1') {
    const message = `WW_REQUIRE_CAPNP=1 but ${missing}, which ${what} needs: ${INSTALL_CAPNP}`;
    console.warn(message);
    it(`has the Cap'n Proto tools for ${what}`, () => { throw new Error(message); });
    return true;
  }
  console.warn(`skipped: ${what} (${missing}; ${INSTALL_CAPNP}, or set WW_REQUIRE_CAPNP=1 to make this a failure)`);
  return true;
}

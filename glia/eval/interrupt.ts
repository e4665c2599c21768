// Stopping a running evaluation from another thread (Ctrl-C in `ww shell`,
// an MCP call's timeout). The embedding shares an Int32Array with the
// thread that evaluates; setting element 0 to non-zero asks it to stop.
// Compiled code of a Session given the flag polls it as a loop/recur is
// entered and every 256th iteration, the driver on its first step of
// resumable code and every 256th (reading the flag is most of a poll's
// cost), and a host promise being awaited is raced against it, so even
// `(loop [] (recur))` on the pure tier, which never yields, stops. Sessions
// without the flag compile no check at all.
//
// Interruption is not an error a program handles: Glia `try` does not catch
// it (finally blocks still run), so a loop cannot swallow it and go on.
import { GliaError, errorValue } from '../values/errors.js';

export class Interrupted extends GliaError {}

export function interrupted(): Interrupted {
  return new Interrupted(errorValue('interrupted', 'the evaluation was interrupted', null,
    'definitions made before it stopped are kept'));
}

/** Throws Interrupted when the flag is set. What loops compile to call (through rt.interrupted). */
export function checkInterrupt(flag: Int32Array): void {
  if (Atomics.load(flag, 0) !== 0) throw interrupted();
}

type WaitAsync = (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string };

/**
 * A promise that rejects with Interrupted once the flag is set and
 * notified (Atomics.notify), for racing against a host effect's promise;
 * null where the engine lacks Atomics.waitAsync (then only the polls stop
 * the evaluation). One waiter serves every await until it fires.
 */
export class InterruptWaiter {
  private pending: Promise<never> | null = null;
  constructor(private readonly flag: Int32Array) {}

  promise(): Promise<never> | null {
    if (this.pending) return this.pending;
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    if (typeof waitAsync !== 'function') return null;
    if (Atomics.load(this.flag, 0) !== 0) return Promise.reject(interrupted());
    const w = waitAsync(this.flag, 0, 0);
    const settled = typeof w.value === 'string' ? Promise.resolve(w.value) : w.value;
    const p: Promise<never> = settled.then(() => { this.pending = null; throw interrupted(); });
    // Nobody may be racing it when it fires.
    p.catch(() => {});
    this.pending = p;
    return p;
  }
}

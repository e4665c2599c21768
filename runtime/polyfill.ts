// Node 20 lacks a few ES2024 built-ins that libp2p, helia and newer
// chevrotain call. Every entry point loads this module before anything
// else (ES imports are hoisted, so entry points import it first and load
// the rest dynamically). On Node 22+ it does nothing.
const P = Promise as any;
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
const O = Object as any;
if (typeof O.groupBy !== 'function') {
  O.groupBy = function groupBy<T>(items: Iterable<T>, key: (item: T, i: number) => PropertyKey) {
    const out: Record<PropertyKey, T[]> = Object.create(null);
    let i = 0;
    for (const item of items) (out[key(item, i++)] ??= []).push(item);
    return out;
  };
}
export {};

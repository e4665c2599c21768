// The two ES2024 built-ins Node 20 lacks and our dependencies call:
// Object.groupBy (newer chevrotain) and Promise.withResolvers (the p2p
// stack). Pure ECMAScript, so it lives in the bottom layer and every entry
// point (the ww CLI, the test setup, the language server) loads it first
// through its own polyfill module. On Node 22+ it does nothing.
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

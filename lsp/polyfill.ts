// Node 20 lacks Object.groupBy and Promise.withResolvers, which newer
// chevrotain (and the p2p stack) call. The server's own entry point loads
// this before anything else, so the VS Code extension can start the server
// without `ww`. It is the same shim as runtime/polyfill.ts: lsp/ may not
// import runtime/ (ARCHITECTURE.md), so it keeps its own copy. On Node 22+
// it does nothing.
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

// Clojure-style sequences on top of Immutable's persistent collections.
// Lists are Immutable Stacks, vectors are Immutable Lists. A `Seq` is a
// cursor over anything seqable; `LazySeq` realises at most once, so a lazy
// sequence over an infinite source works with `take`.
import { List, Stack, Map as IMap, Set as ISet, isImmutable } from 'immutable';
import { gliaError } from './errors.js';
// A cycle, used only inside functions: fuse.ts builds on the seqs defined here.
import { forEachFused } from './fuse.js';

export type Value = any;

/** A non-empty sequence cursor. `next()` is null at the end. */
export interface ISeq {
  first(): Value;
  next(): ISeq | null;
}

export const SEQ = Symbol('glia.seq');

/** A cons cell: `first` followed by the seqable `more`. */
export class Cons implements ISeq {
  readonly [SEQ] = true;
  constructor(private readonly head: Value, private readonly more: Value) {}
  first(): Value { return this.head; }
  next(): ISeq | null { return seq(this.more); }
}

/** A cursor into an Immutable List (a vector) or a JS array. */
export class IndexedSeq implements ISeq {
  readonly [SEQ] = true;
  constructor(private readonly items: List<Value> | readonly Value[], private readonly i: number) {}
  first(): Value {
    const it = this.items;
    return Array.isArray(it) ? it[this.i] : (it as List<Value>).get(this.i);
  }
  next(): ISeq | null {
    const n = Array.isArray(this.items) ? this.items.length : (this.items as List<Value>).size;
    return this.i + 1 < n ? new IndexedSeq(this.items, this.i + 1) : null;
  }
}

/** A cursor over an Immutable Stack (a list). */
export class StackSeq implements ISeq {
  readonly [SEQ] = true;
  constructor(private readonly stack: Stack<Value>) {}
  first(): Value { return this.stack.peek(); }
  next(): ISeq | null { const r = this.stack.pop(); return r.size ? new StackSeq(r) : null; }
}

/** A cursor over a JS iterator, caching what it has pulled so it stays persistent. */
class IteratorSeq implements ISeq {
  readonly [SEQ] = true;
  private nextSeq: ISeq | null | undefined;
  constructor(private readonly head: Value, private readonly it: Iterator<Value>) {}
  static from(it: Iterator<Value>): ISeq | null {
    const r = it.next();
    return r.done ? null : new IteratorSeq(r.value, it);
  }
  first(): Value { return this.head; }
  next(): ISeq | null {
    if (this.nextSeq === undefined) this.nextSeq = IteratorSeq.from(this.it);
    return this.nextSeq;
  }
}

/** A lazily realised sequence. `thunk` returns any seqable (or nil). */
export class LazySeq implements ISeq {
  readonly [SEQ] = true;
  private thunk: (() => Value) | null;
  private realized: ISeq | null = null;
  /** True for sources that never end (range, repeat, iterate, cycle). */
  infinite = false;
  /**
   * Set by map and filter with a plain function: their input and the step
   * that turns one input chunk into one output chunk, so reduce can run a
   * pipeline chunk by chunk without building the seqs in between
   * (values/fuse.ts). Cleared once the seq is realised another way.
   */
  fuseFrom: Value = null;
  fuseStep: ((chunk: Value[]) => Value[]) | null = null;
  /** Set by range: a new pull over the same items, so a pure source is re-run rather than realised. */
  freshPull: (() => () => Value[] | null) | null = null;
  constructor(thunk: () => Value) { this.thunk = thunk; }
  /** True while nothing has realised this seq. */
  get pending(): boolean { return this.thunk !== null; }
  /** Replaces what this still-pending seq will realise to (fusion, once it computed the chunks). */
  setPending(thunk: () => Value): void {
    this.thunk = thunk;
    this.fuseFrom = null;
    this.fuseStep = null;
    this.freshPull = null;
  }
  /** Realises one step; iterative so long chains of lazy seqs do not recurse. */
  seq(): ISeq | null {
    if (this.thunk) {
      let v: Value = this.thunk();
      this.thunk = null;
      this.fuseFrom = null;
      this.fuseStep = null;
      while (v instanceof LazySeq) {
        if (v.thunk) { const t = v.thunk; v.thunk = null; v.realized = seq(t()); }
        v = v.realized;
      }
      this.realized = seq(v);
    }
    return this.realized;
  }
  first(): Value { const s = this.seq(); return s ? s.first() : null; }
  next(): ISeq | null { const s = this.seq(); return s ? s.next() : null; }
}

/**
 * A cursor into a realised chunk of a chunked lazy sequence. Sequence
 * functions over chunked sources (range, vectors, map and filter of them)
 * work a chunk (an array of up to CHUNK items) at a time, as Clojure does,
 * so a pipeline costs a loop per chunk rather than objects per item.
 */
export class ChunkedSeq implements ISeq {
  readonly [SEQ] = true;
  constructor(readonly chunk: readonly Value[], readonly i: number, readonly more: LazySeq | null) {}
  first(): Value { return this.chunk[this.i]; }
  next(): ISeq | null {
    return this.i + 1 < this.chunk.length ? new ChunkedSeq(this.chunk, this.i + 1, this.more) : this.more ? this.more.seq() : null;
  }
}

export const CHUNK = 32;

/** A lazy sequence whose items come from `pull`, a chunk at a time (null ends it). */
export function lazyChunks(pull: () => Value[] | null, infinite = false): LazySeq {
  const step = (): LazySeq => new LazySeq(() => {
    let c = pull();
    while (c !== null && c.length === 0) c = pull();
    return c === null ? null : new ChunkedSeq(c, 0, step());
  });
  const ls = step();
  ls.infinite = infinite;
  return ls;
}

/** Pulls chunks from any seqable, sharing the chunks of chunked sources. */
export function chunkSource(coll: Value): () => Value[] | null {
  if (List.isList(coll) || Array.isArray(coll)) {
    const arr: Value[] = Array.isArray(coll) ? coll : (coll as List<Value>).toArray();
    let i = 0;
    return () => {
      if (i >= arr.length) return null;
      const c = arr.slice(i, i + CHUNK);
      i += CHUNK;
      return c;
    };
  }
  let s: ISeq | null | undefined;
  let started = false;
  return () => {
    if (!started) { s = seq(coll); started = true; }
    if (!s) return null;
    if (s instanceof ChunkedSeq) {
      const c = s.i === 0 ? s.chunk as Value[] : s.chunk.slice(s.i);
      s = s.more ? s.more.seq() : null;
      return c;
    }
    const c: Value[] = [];
    while (s && c.length < CHUNK) { c.push(s.first()); s = s.next(); }
    return c;
  };
}

/** Calls `each` on every item of a seqable, looping over chunks directly. Stops when it returns false. */
export function forEachItem(coll: Value, each: (x: Value) => boolean | void): void {
  if (coll instanceof LazySeq && coll.fuseStep !== null && coll.pending) { forEachFused(coll, each); return; }
  if (List.isList(coll) || Stack.isStack(coll) || ISet.isSet(coll)) {
    for (const x of (coll as any).values()) if (each(x) === false) return;
    return;
  }
  let s = seq(coll);
  while (s) {
    if (s instanceof ChunkedSeq) {
      const c = s.chunk;
      for (let i = s.i; i < c.length; i++) if (each(c[i]) === false) return;
      s = s.more ? s.more.seq() : null;
    } else {
      if (each(s.first()) === false) return;
      s = s.next();
    }
  }
}

export function isSeqObject(x: unknown): x is ISeq {
  return typeof x === 'object' && x !== null && (x as any)[SEQ] === true;
}

/** `seq` as in Clojure: null for empty or nil, else a cursor. */
export function seq(x: Value): ISeq | null {
  if (x === null || x === undefined) return null;
  if (x instanceof LazySeq) return x.seq();
  if (isSeqObject(x)) return x;
  if (List.isList(x)) return x.size ? new IndexedSeq(x, 0) : null;
  if (Stack.isStack(x)) return x.size ? new StackSeq(x) : null;
  if (typeof x === 'string') return x.length ? IteratorSeq.from(x[Symbol.iterator]()) : null;
  if (IMap.isMap(x)) return x.size ? IteratorSeq.from(mapEntries(x)) : null;
  if (isImmutable(x)) return (x as any).size ? IteratorSeq.from((x as any).values()) : null;
  if (Array.isArray(x)) return x.length ? new IndexedSeq(x, 0) : null;
  if (x instanceof Uint8Array) return x.length ? IteratorSeq.from(x[Symbol.iterator]()) : null;
  return undefined as never;
}

/** True for values `seq` accepts. */
export function isSeqable(x: Value): boolean {
  return x === null || x === undefined || typeof x === 'string' || isSeqObject(x) ||
    isImmutable(x) || Array.isArray(x) || x instanceof Uint8Array;
}

function* mapEntries(m: IMap<Value, Value>): Iterator<Value> {
  for (const [k, v] of m) yield List([k, v]);
}

/** Iterates any seqable value. Map entries come out as [k v] vectors. */
export function* iterate(x: Value): Generator<Value, void, undefined> {
  if (x === null || x === undefined) return;
  if (List.isList(x) || Stack.isStack(x) || ISet.isSet(x)) { yield* (x as any).values(); return; }
  if (Array.isArray(x)) { yield* x; return; }
  let s = seq(x);
  while (s) {
    if (s instanceof ChunkedSeq) {
      const c = s.chunk;
      for (let i = s.i; i < c.length; i++) yield c[i];
      s = s.more ? s.more.seq() : null;
    } else { yield s.first(); s = s.next(); }
  }
}

/**
 * The most elements the runtime realises from a sequence into one array or
 * vector (toArray: vec, into, set, sort, apply's arguments ...; conj onto
 * a vector; doall). Past it the heap would run out, which V8 does not
 * survive (a fatal abort, not an exception), so it is :glia.error/limit
 * instead, which try catches (doc/language.md, "Limits"). 2^24 numbers are
 * 128 MiB in an array; one compare per element costs nothing measurable.
 */
export const MAX_ELEMENTS = 16_777_216;

export function tooManyElements(what: string): never {
  throw gliaError('limit', `${what} would hold more than ${MAX_ELEMENTS.toLocaleString('en')} elements, the most one collection may hold`, null,
    'process the sequence as it goes (reduce, run!, doseq, transduce) instead of holding all of it');
}

/** Lazy seqs whose length is known up front ((range n), (repeat n x)), so toArray refuses a huge one before realising it. */
const knownSizes = new WeakMap<LazySeq, number>();
export function withKnownSize<T extends LazySeq>(s: T, n: number): T { knownSizes.set(s, n); return s; }

export function toArray(x: Value): Value[] {
  if (Array.isArray(x)) return x;
  if (List.isList(x) || Stack.isStack(x)) return (x as any).toArray();
  if (x instanceof LazySeq && (knownSizes.get(x) ?? 0) > MAX_ELEMENTS) tooManyElements('realising the sequence');
  const out: Value[] = [];
  forEachItem(x, (v) => { if (out.push(v) > MAX_ELEMENTS) tooManyElements('realising the sequence'); });
  return out;
}

export function lazyFromIterable(make: () => Iterable<Value>, infinite = false): LazySeq {
  const ls = new LazySeq(() => IteratorSeq.from(make()[Symbol.iterator]()));
  ls.infinite = infinite;
  return ls;
}

export function listOf(items: readonly Value[]): Stack<Value> { return Stack(items); }
export function vectorOf(items: readonly Value[]): List<Value> { return List(items); }

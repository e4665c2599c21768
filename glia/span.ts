// Where a form came from. Lines and columns are 1-based; offsets are
// 0-based UTF-16 indices into the source, end exclusive.
export interface Span {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  offset: number;
  endOffset: number;
}

export function formatSpan(s: Span): string {
  return `${s.file}:${s.line}:${s.col}`;
}

// Spans of forms live beside the forms: symbols and collections are
// objects, and the span is stamped on the object as a private field (the
// class below adopts the object through a base constructor that returns
// it), so it changes neither the form's value, equality nor hashing, and
// nothing that walks, compares or copies forms sees it. It was a WeakMap:
// with a span on every symbol and collection, its entries cost more than
// reading did, mostly in the garbage collector. An object that cannot take
// a field (frozen, sealed) keeps its span in a WeakMap instead.
class Adopt { constructor(o: object) { return o; } }
class Spanned extends Adopt {
  #span: Span;
  constructor(o: object, span: Span) { super(o); this.#span = span; }
  static get(o: object): Span | undefined { return #span in o ? (o as Spanned).#span : undefined; }
}
const sealed = new WeakMap<object, Span>();
let anySealed = false;

export function spanOf(form: unknown): Span | undefined {
  if (typeof form !== 'object' || form === null) return undefined;
  const s = Spanned.get(form);
  return s !== undefined || !anySealed ? s : sealed.get(form);
}

export function setSpan<T>(form: T, span: Span | undefined): T {
  // Empty Immutable collections are shared singletons: they cannot own a span.
  if (span && typeof form === 'object' && form !== null && (form as any).size !== 0 && spanOf(form) === undefined) {
    if (Object.isExtensible(form)) new Spanned(form, span);
    else { anySealed = true; sealed.set(form, span); }
  }
  return form;
}

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
// objects, so a WeakMap can annotate them without changing their value
// (and therefore without changing equality or hashing).
const spans = new WeakMap<object, Span>();
export { spans as baselineSpans };

export function spanOf(form: unknown): Span | undefined {
  return typeof form === 'object' && form !== null ? spans.get(form) : undefined;
}

export function setSpan<T>(form: T, span: Span | undefined): T {
  // Empty Immutable collections are shared singletons: they cannot own a span.
  if (span && typeof form === 'object' && form !== null && (form as any).size !== 0 && !spans.has(form)) spans.set(form, span);
  return form;
}

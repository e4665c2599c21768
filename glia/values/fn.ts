// Function values are plain JS functions, so pure Glia code calls them
// directly. A function that may perform carries its resumable form under
// GEN: a generator function the effect driver runs on its explicit stack.
export const GEN = Symbol.for('glia.gen');
export const FN_INFO = Symbol.for('glia.fn');

export interface FnInfo {
  name: string;
  /** Accepted argument counts; `variadic` is the minimum for a rest arity. */
  arities: number[];
  variadic: number | null;
  doc?: string;
  macro?: boolean;
}

export type GliaFn = ((...args: any[]) => any) & {
  [GEN]?: (...args: any[]) => Generator<any, any, any>;
  [FN_INFO]?: FnInfo;
};

export function isFn(x: unknown): x is GliaFn { return typeof x === 'function'; }

export function fnName(f: GliaFn): string {
  return f[FN_INFO]?.name ?? (f.name || 'fn');
}

/** Marks a builtin with its name and arities, for arity checks and printing. */
export function describeFn<F extends (...a: any[]) => any>(f: F, name: string, arities: number[], variadic: number | null = null, doc?: string): F {
  (f as GliaFn)[FN_INFO] = { name, arities, variadic, doc };
  return f;
}

export function acceptsArity(info: FnInfo, n: number): boolean {
  return info.arities.includes(n) || (info.variadic !== null && n >= info.variadic);
}

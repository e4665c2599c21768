// What resumable code yields to the effect driver, besides generators
// (a yielded generator is a call to be pushed on the driver's stack).
export class PerformOp {
  constructor(readonly target: any, readonly data: any, readonly method: any, readonly args: any[] | null) {}
}
export class HandleOp {
  constructor(readonly target: any, readonly handler: any, readonly body: () => Generator) {}
}
export class ResumeOp {
  /** With `raise`, the value is thrown at the perform site instead of returned there. */
  constructor(readonly k: Continuation, readonly value: any, readonly raise = false) {}
  // A continuation's resumable form returns a ResumeOp, not a generator, so
  // that resuming costs no frame of its own. Builtins that call a function
  // with `yield* f[GEN](...)` still work: delegating to it yields the op.
  *[Symbol.iterator](): Generator<any, any, any> { return yield this; }
}

/**
 * A call in tail position on the resumable tier: the caller's frame would
 * only hand the callee's value on, so the driver drops it before running
 * the callee (a generator, or a ResumeOp for a continuation). That is what
 * keeps a handler that resumes in tail position, and a loop written as tail
 * calls through performing functions, in constant space. There is one
 * instance: the driver reads `callee` as soon as the frame yields it,
 * before any other code runs.
 */
export class TailCall {
  callee: any = null;
}
export const TAIL = new TailCall();
/** A host handler's promise: the driver awaits it and resumes with its value. */
export class AwaitOp {
  constructor(readonly promise: Promise<any>) {}
}

/** A captured slice of the driver's stack: the segments from a handler frame to the perform site. */
export class Continuation {
  state: 'fresh' | 'resumed' | 'aborted' = 'fresh';
  constructor(readonly segments: any[]) {}
}

/** Thrown through an aborted continuation's frames so their finally blocks run. */
export class AbortSignal {
  constructor(readonly value: any) {}
}

/** Thrown by an embedding's :exit handler: ends the session; no Glia catch sees it. */
export class SessionExit {
  constructor(readonly code: number) {}
}

/** Control-flow signals that pass through Glia try/catch untouched. */
export function isControlSignal(e: unknown): boolean {
  return e instanceof AbortSignal || e instanceof SessionExit;
}

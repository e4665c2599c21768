// The effect driver: runs resumable Glia code on an explicit stack of
// generator frames. Handler frames sit on that stack, so `perform` finds
// its handler by walking down, captures the frames above it as a one-shot
// continuation, and runs the handler below them (its own frame is not in
// force while it runs). `resume` pushes the frames back. Because the stack
// lives on the heap, deep non-tail recursion on this tier costs no JS
// stack; MAX_FRAMES bounds it with a catchable :glia.error/stack-overflow.
// A call in tail position (TAIL) replaces its caller's frame, and a resume
// in tail position also removes the handler's abort guard, so handlers
// that resume last run in constant space however long the body loops.
// Host handlers may return promises: the driver then awaits them and goes
// on, never blocking the event loop.
import { PerformOp, HandleOp, ResumeOp, AwaitOp, Continuation, AbortSignal, isControlSignal, TAIL } from './ops.js';
import { GEN, FN_INFO, type GliaFn } from '../values/fn.js';
import { Keyword } from '../values/keyword.js';
import { gliaError, GliaError } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { toGliaError } from './convert-error.js';
import { interrupted } from './interrupt.js';

export const MAX_FRAMES = 200_000;

/** The embedding's answer to effects no Glia handler takes. */
export interface Host {
  /** Returns a value, a promise, or NOT_HANDLED. May throw a GliaError. */
  perform(target: any, data: any, method: any, args: any[] | null): any;
  /** Set by another thread to stop the evaluation (glia/eval/interrupt.ts): polled before the first step and every 256th. */
  interrupt?: Int32Array;
  /** Rejects with Interrupted when the flag is set, so an awaited host effect stops waiting too. */
  whenInterrupted?(): Promise<never> | null;
}

export const NOT_HANDLED = Symbol('not-handled');
/** The Continuation behind a resume function (for discontinue). */
export const CONTINUATION = Symbol.for('glia.continuation');

export interface Capability {
  /** Handles `(perform cap :method args...)` when no Glia handler does. */
  invoke(method: Keyword, args: any[]): any;
}

export function isCapability(x: any): x is Capability {
  return x !== null && typeof x === 'object' && typeof x.invoke === 'function' && x[CAP] === true;
}
export const CAP = Symbol.for('glia.cap');

class HandlerFrame {
  constructor(readonly target: any, readonly handler: GliaFn) {}
}

/**
 * The target of a barrier frame (`with-effect-barrier`): a perform that no
 * handler inside the barrier takes, and whose target is not among
 * `allowed`, throws `refusal(effect name)` at its perform site instead of
 * going on to the outer handlers, the capability or the host. It never
 * matches a perform as a handler does. `dosync` puts one around its body,
 * so an effect that a retry would repeat cannot run there.
 */
export class EffectBarrier {
  constructor(readonly allowed: ReadonlySet<any>, readonly refusal: (target: any, method: any) => GliaError) {}
  refuses(target: any): boolean { return !this.allowed.has(target); }
}

/**
 * The driver whose loop is running now, and the one running below it (the
 * one whose step called it, synchronously; none after an await). A performing function called from plain JS (a pure caller, a
 * lazy sequence, a sort comparator) runs on a fresh driver that sees only
 * the host; the barriers of the drivers below it still hold there, so a
 * barrier cannot be got round that way. Loops run synchronously between
 * awaits, and each sets this on entry and restores it on exit.
 */
interface Running { segs: Segment[]; parent: Running | null }
let running: Running | null = null;

/** The innermost barrier of `r` and the drivers below it that refuses `target`, or null. */
function outerRefusal(r: Running | null, target: any): EffectBarrier | null {
  for (; r !== null; r = r.parent) {
    for (let i = r.segs.length - 1; i > 0; i--) {
      const t = r.segs[i]!.handler?.target;
      if (t instanceof EffectBarrier && t.refuses(target)) return t;
    }
  }
  return null;
}
/** Below a running handler: when it returns, abort the continuation if it was never resumed. */
class AbortGuard {
  constructor(readonly k: Continuation) {}
}
/** Marks where an abort's unwinding ends and the handler's value is delivered. */
class UnwindEnd {
  constructor(readonly value: any) {}
}

type Frame = Generator<any, any, any> | AbortGuard | UnwindEnd;

/**
 * A run of frames above one handler installation (the root segment has
 * none). `guards` counts its abort guards, which are bookkeeping, not
 * frames: MAX_FRAMES bounds calls and running handlers.
 */
export interface Segment { handler: HandlerFrame | null; frames: Frame[]; guards: number }

export function isGenerator(x: any): x is Generator {
  return x !== null && typeof x === 'object' && typeof x.next === 'function' && typeof x.throw === 'function';
}

function targetMatches(frameTarget: any, target: any): boolean {
  return frameTarget === target;
}

/** Makes the continuation callable as a Glia function of one (optional) argument. */
function continuationFn(k: Continuation): GliaFn {
  const f: any = function resume() {
    throw gliaError('internal', 'a continuation can only be resumed from resumable code');
  };
  // No generator: the op itself is the call, so a resume takes no frame.
  f[GEN] = (v: any = null) => new ResumeOp(k, v);
  f[FN_INFO] = { name: 'resume', arities: [0, 1], variadic: null };
  f[CONTINUATION] = k;
  return f;
}

function handlerArity(h: any): number {
  const info = h?.[FN_INFO];
  if (info) {
    if (info.arities.includes(2)) return 2;
    if (info.arities.includes(1)) return 1;
    if (info.variadic !== null) return info.variadic <= 2 ? 2 : 1;
    return 1;
  }
  return typeof h === 'function' && h.length >= 2 ? 2 : 1;
}

export function effectName(target: any, method: any): string {
  if (target instanceof Keyword) return prStr(target);
  return method instanceof Keyword ? `${prStr(target)} ${prStr(method)}` : prStr(target);
}

/**
 * Runs a generator to completion. Returns its value, or a promise of it when
 * a host handler was asynchronous. Throws (or rejects with) a GliaError.
 */
export function drive(root: Generator | ResumeOp, host: Host): any {
  if (!isGenerator(root)) root = opFrame(root);
  // The stack is a list of segments. Each segment above the root starts at a
  // handler installation; capturing a continuation moves whole segments
  // (never copies frames), so a perform costs O(handlers in between), not
  // O(stack depth).
  const segs: Segment[] = [{ handler: null, frames: [root], guards: 0 }];
  const me: Running = { segs, parent: null };
  const flag = host.interrupt;
  let top: Segment = segs[0]!;
  let frameCount = 1;
  let mode: 'next' | 'throw' = 'next';
  let val: any = undefined;

  const pushFrame = (f: Frame) => { top.frames.push(f); frameCount++; };
  const popFrame = () => { top.frames.pop(); frameCount--; };
  const pushGuard = (g: AbortGuard) => { top.frames.push(g); top.guards++; };
  const popGuard = () => { top.frames.pop(); top.guards--; };
  const pushSegs = (ss: Segment[]) => {
    for (const sg of ss) { segs.push(sg); frameCount += sg.frames.length - sg.guards; }
    top = segs[segs.length - 1]!;
  };
  const takeSegs = (from: number): Segment[] => {
    const taken = segs.splice(from);
    for (const sg of taken) frameCount -= sg.frames.length - sg.guards;
    top = segs[segs.length - 1]!;
    return taken;
  };

  const loop = (): any => {
    // A local (not a closure variable) so counting steps costs a register, not a heap store.
    let steps = -1;
    for (;;) {
      const frames = top.frames;
      if (frames.length === 0) {
        if (segs.length === 1) {
          if (mode === 'throw') throw val;
          return val;
        }
        // A handler's body finished (or threw past it): its frame leaves with it.
        segs.pop();
        top = segs[segs.length - 1]!;
        continue;
      }
      const f = frames[frames.length - 1]!;
      if (f instanceof UnwindEnd) {
        popFrame();
        if (mode === 'throw' && val instanceof AbortSignal) { mode = 'next'; val = f.value; }
        continue;
      }
      if (f instanceof AbortGuard) {
        popGuard();
        if (mode === 'next' && f.k.state === 'fresh') {
          // The handler returned without resuming: unwind the captured frames
          // (running their finally blocks), then deliver its value.
          f.k.state = 'aborted';
          pushFrame(new UnwindEnd(val));
          pushSegs(f.k.segments);
          mode = 'throw';
          val = new AbortSignal(null);
        } else if (f.k.state === 'fresh') {
          f.k.state = 'aborted';
        }
        continue;
      }
      const gen = f as Generator;
      // The flag is read every 256th step (as compiled loops read it): reading it is most of what a poll costs.
      if (flag !== undefined && mode === 'next' && ((steps = (steps + 1) | 0) & 255) === 0 && Atomics.load(flag, 0) !== 0) { mode = 'throw'; val = interrupted(); }
      let r: IteratorResult<any, any>;
      try {
        r = mode === 'next' ? gen.next(val) : gen.throw(val);
      } catch (e) {
        popFrame();
        mode = 'throw';
        val = isControlSignal(e) || e instanceof GliaError ? e : toGliaError(e);
        continue;
      }
      if (r.done) { popFrame(); mode = 'next'; val = r.value; continue; }
      let op = r.value;
      mode = 'next';
      val = undefined;
      if (isGenerator(op)) {
        if (frameCount >= MAX_FRAMES) { mode = 'throw'; val = stackOverflow(); continue; }
        pushFrame(op);
        continue;
      }
      if (op instanceof PerformOp) {
        let h = segs.length - 1;
        let refused: EffectBarrier | null = null;
        for (; h > 0; h--) {
          const hf = segs[h]!.handler;
          if (!hf) continue;
          if (targetMatches(hf.target, op.target)) break;
          if (hf.target instanceof EffectBarrier && hf.target.refuses(op.target)) { refused = hf.target; break; }
        }
        if (h === 0 && me.parent !== null) refused = outerRefusal(me.parent, op.target);
        if (refused !== null) {
          // Thrown at the perform site, as discontinue would: a try in the body may catch it.
          mode = 'throw'; val = refused.refusal(op.target, op.method); continue;
        }
        if (h === 0) {
          // No Glia handler: the capability itself, then the host.
          let result: any;
          try {
            result = isCapability(op.target) ? op.target.invoke(op.method, op.args ?? []) : host.perform(op.target, op.data, op.method, op.args);
            if (result === NOT_HANDLED) {
              throw gliaError('unhandled-effect', `no handler for effect ${effectName(op.target, op.method)}`,
                { effect: op.target instanceof Keyword ? op.target : null },
                'wrap the code in (with-effect-handler ...) for this effect, or run it where the host provides it');
            }
          } catch (e) {
            mode = 'throw'; val = isControlSignal(e) || e instanceof GliaError ? e : toGliaError(e); continue;
          }
          if (isGenerator(result) || result instanceof ResumeOp) {
            if (frameCount >= MAX_FRAMES) { mode = 'throw'; val = stackOverflow(); continue; }
            pushFrame(isGenerator(result) ? result : opFrame(result));
            continue;
          }
          if (result instanceof Promise) return awaitThen(result);
          val = result;
          continue;
        }
        const handler = segs[h]!.handler!.handler;
        const k = new Continuation(takeSegs(h));
        const args = handlerArity(handler) === 2 ? [op.data, continuationFn(k)] : [op.data];
        pushGuard(new AbortGuard(k));
        if ((handler as any)[GEN]) {
          // A running handler is a frame: one that resumes and then has work
          // left stays until the body finishes, so it counts toward MAX_FRAMES.
          if (frameCount >= MAX_FRAMES) { mode = 'throw'; val = stackOverflow(); continue; }
          const g = (handler as any)[GEN](...args);
          pushFrame(isGenerator(g) ? g : opFrame(g));
          continue;
        }
        try {
          val = typeof handler === 'function' ? handler(...args) : notAFunction(handler);
        } catch (e) { mode = 'throw'; val = isControlSignal(e) || e instanceof GliaError ? e : toGliaError(e); }
        continue;
      }
      if (op instanceof HandleOp) {
        segs.push({ handler: new HandlerFrame(op.target, op.handler), frames: [], guards: 0 });
        top = segs[segs.length - 1]!;
        pushFrame(op.body());
        continue;
      }
      let tail = false;
      if (op === TAIL) {
        // A call in tail position: the calling frame has nothing left to do
        // but return the callee's value, so it leaves the stack now.
        op = TAIL.callee;
        TAIL.callee = null;
        popFrame();
        if (isGenerator(op)) { pushFrame(op); continue; }
        tail = true;
      }
      if (op instanceof ResumeOp) {
        const k = op.k;
        if (k.state !== 'fresh') {
          mode = 'throw';
          val = gliaError('continuation-already-resumed',
            k.state === 'resumed' ? 'this continuation was already resumed; continuations are one-shot'
              : 'this continuation was abandoned when its handler returned without resuming',
            null, 'call resume at most once, and only while the handler is running');
          continue;
        }
        k.state = 'resumed';
        if (tail) {
          // The handler resumed in tail position: its abort guard has nothing
          // left to guard (the continuation is used up), so it goes too, and
          // the body's value flows straight to the with-effect-handler's
          // caller. This is what keeps a tail-resuming handler in constant space.
          const fs = top.frames;
          while (fs.length > 0) {
            const g = fs[fs.length - 1];
            if (!(g instanceof AbortGuard) || g.k.state === 'fresh') break;
            popGuard();
          }
        }
        pushSegs(k.segments);
        if (op.raise) { mode = 'throw'; val = op.value instanceof GliaError ? op.value : new GliaError(op.value); }
        else val = op.value;
        continue;
      }
      if (op instanceof AwaitOp) return awaitThen(op.promise);
      mode = 'throw';
      val = gliaError('internal', `resumable code yielded an unknown value: ${String(op)}`);
    }
  };

  const awaitThen = (p: Promise<any>): Promise<any> => {
    const stop = host.whenInterrupted?.();
    return (stop ? Promise.race([p, stop]) : p).then((v) => { mode = 'next'; val = v; return enter(); },
      (e) => { mode = 'throw'; val = isControlSignal(e) || e instanceof GliaError ? e : toGliaError(e); return enter(); });
  };

  // Each run of the loop (the first, and one after each await) marks this
  // driver as the running one, for drivers started inside it.
  const enter = (): any => {
    const prev = running;
    me.parent = prev;
    running = me;
    try { return loop(); } finally { running = prev; }
  };

  return enter();
}

/** A frame that yields one op and returns what it gives back (a continuation called where a generator is expected). */
function* opFrame(op: any): Generator<any, any, any> { return yield op; }

function notAFunction(h: any): never {
  throw gliaError('type-mismatch', `a handler must be a function, got ${prStr(h)}`);
}

export function stackOverflow(): GliaError {
  return gliaError('stack-overflow', 'recursion is too deep', null,
    'use loop/recur for iteration, or reduce the recursion depth');
}


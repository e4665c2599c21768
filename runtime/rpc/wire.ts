// Message building and reading on the hot path. capnp-es's defaults cost
// more than the RPC logic itself (runtime/rpc/DESIGN.md §4, and the
// profile in doc/performance.md): a fresh Message allocates a 4 KiB first
// segment, reading a frame copies it twice, and every accessor builds
// Pointer objects. These helpers keep the capnp-es message model — user
// code still reads and writes params and results with generated classes —
// and cut the waste around it.
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { segmentsOf } from './validate.js';

/** capnp-es arena kinds (duck-typed by `kind`, see capnp-es's isAnyArena). */
const SINGLE_SEGMENT = 0, MULTI_SEGMENT = 1;

/**
 * A new outgoing message whose first segment starts small: most RPC
 * messages are tens of bytes. (capnp-es's default allocates 4 KiB, then
 * grows by copying into a fresh 8 KiB buffer on the first allocation.)
 */
export function newMessage(bytes = 256): $.Message {
  const m = new $.Message({ kind: SINGLE_SEGMENT, buffer: new ArrayBuffer(bytes) } as any);
  // capnp-es takes a given buffer as already full; this one is empty but
  // for the root pointer, which a message's first segment always starts with.
  (m as any)._capnp.segments[0].byteLength = 8;
  return m;
}

// capnp-es's Segment class (not exported; every message's segments are one).
const SegmentClass = (new $.Message().getSegment(0) as any).constructor as new (id: number, m: $.Message, b: ArrayBuffer, len: number) => unknown;

/**
 * A received frame as a capnp-es Message: one copy per segment (capnp-es's
 * own reader copies twice). `segments` are the frame's segment views, as
 * validateMessage returns them.
 */
export function readFrame(frame: Uint8Array, segments: DataView[] = segmentsOf(frame)): $.Message {
  const buffers: ArrayBuffer[] = [];
  const m = new $.Message({ kind: MULTI_SEGMENT, buffers } as any);
  const segs = (m as any)._capnp.segments as unknown[];
  for (let i = 0; i < segments.length; i++) {
    const dv = segments[i]!;
    const b = frame.buffer.slice(dv.byteOffset, dv.byteOffset + dv.byteLength) as ArrayBuffer;
    buffers.push(b);
    segs.push(new SegmentClass(i, m, b, b.byteLength));
  }
  return m;
}

// Outgoing frames are carved from a shared slab: an ArrayBuffer per frame
// costs more to allocate and collect than the small frame it holds. A
// region is never handed out twice, so a frame stays as sent for as long
// as anyone holds it (the slab lives while any of its frames does).
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/** `n` fresh bytes (zeroed, 8-byte aligned) for an outgoing frame. */
function frameBytes(n: number): Uint8Array {
  if (n > SLAB_BYTES / 4) return new Uint8Array(n);
  if (slabUsed + n > SLAB_BYTES) { slab = new Uint8Array(SLAB_BYTES); slabUsed = 0; }
  const out = slab.subarray(slabUsed, slabUsed + n);
  slabUsed += (n + 7) & ~7;
  return out;
}

/** The bytes to send for a message, in standard framing. */
export function frameOf(msg: $.Message): Uint8Array {
  const segs = (msg as any)._capnp.segments as Array<{ buffer: ArrayBuffer; byteLength: number }>;
  if (segs.length !== 1) return new Uint8Array(msg.toArrayBuffer());
  const s = segs[0]!;
  const out = frameBytes(8 + s.byteLength);
  out[4] = s.byteLength >>> 3; out[5] = s.byteLength >>> 11; out[6] = s.byteLength >>> 19; out[7] = s.byteLength >>> 27; // count - 1 = 0, then the size in words
  out.set(new Uint8Array(s.buffer, 0, s.byteLength), 8);
  return out;
}

// Finish{questionId, releaseResultCaps: false} is the same 40-odd bytes for
// every call but the id: build it once, find where the id lives, patch it.
const FINISH_PROBE = 0x5a17c0de;
const finishTemplate = (() => {
  const m = new $.Message();
  const f = m.initRoot(rpc.Message)._initFinish();
  f.questionId = FINISH_PROBE;
  f.releaseResultCaps = false;
  return frameOf(m).slice(); // its own buffer: finishIdAt counts from its start
})();
const finishIdAt = (() => {
  const dv = new DataView(finishTemplate.buffer);
  for (let i = 0; i + 4 <= finishTemplate.length; i += 4) if (dv.getUint32(i, true) === FINISH_PROBE) return i;
  throw new Error('Finish template: question id not found');
})();

/** A Finish frame for `questionId` that keeps the result capabilities (we release them with Release). */
export function finishFrame(questionId: number): Uint8Array {
  const f = frameBytes(finishTemplate.length);
  f.set(finishTemplate);
  f[finishIdAt] = questionId; f[finishIdAt + 1] = questionId >>> 8; f[finishIdAt + 2] = questionId >>> 16; f[finishIdAt + 3] = questionId >>> 24;
  return f;
}

// ---------------------------------------------------------------------------
// Fixed-layout Call and Return envelopes. The layouts are rpc.capnp's
// (capnp-es/capnp/rpc): Message {which u16 @0; ptr0 the member},
// Call {questionId u32 @0, methodId u16 @4, sendResultsTo u16 @6,
// interfaceId u64 @8; ptrs target, params, thirdParty}, MessageTarget
// {importedCap u32 @0, which u16 @4; ptr promisedAnswer}, Payload {ptrs
// content, capTable}, Return {answerId u32 @0, releaseParamCaps bit 32
// (default true, stored inverted), noFinishNeeded bit 33, which u16 @6;
// ptr results}. Writing
// words directly saves the Pointer objects every generated accessor
// builds; user params and results are still built with generated classes
// at the content slot. A property test checks both against the generated
// encoding.

const MSG_CALL = 2, MSG_RETURN = 3, MSG_FINISH = 4;

/** Writes a near struct pointer at byte `at` to a struct at byte `target`. */
function structPointer(dv: DataView, at: number, target: number, dataWords: number, ptrWords: number): void {
  dv.setUint32(at, (((target - at - 8) / 8) << 2) >>> 0, true);
  dv.setUint16(at + 4, dataWords, true);
  dv.setUint16(at + 6, ptrWords, true);
}

export interface OutgoingCall {
  msg: $.Message;
  /** The params content pointer (a Struct handle for initStruct/copyFrom). */
  contentAt: number;
  /** A Payload handle, for writing the cap table (built only when needed). */
  payload(): rpc.Payload;
}

/**
 * A Call, envelope written, params slot empty. The target is an imported
 * capability (a number) or a promised answer with its transform (pointer
 * fields), the PromisedAnswer and its Op list placed after the payload.
 */
export function beginCall(questionId: number, interfaceId: bigint, methodId: number,
  target: number | { questionId: number; transform: ReadonlyArray<{ field: number }> }): OutgoingCall {
  const msg = newMessage();
  const seg = msg.getSegment(0);
  const promised = typeof target === 'number' ? null : target;
  const n = promised ? promised.transform.length : 0;
  seg.allocate(104 - 8 + (promised ? 16 + (n ? 8 + 8 * n : 0) : 0));  // after the root pointer
  const dv: DataView = (seg as any)._dv;
  structPointer(dv, 0, 8, 1, 1);           // root -> Message
  dv.setUint16(8, MSG_CALL, true);
  structPointer(dv, 16, 24, 3, 3);         // Message.call -> Call
  dv.setUint32(24, questionId, true);
  dv.setUint16(28, methodId, true);        // sendResultsTo @30 stays 0: caller
  dv.setBigUint64(32, interfaceId, true);
  structPointer(dv, 48, 72, 1, 1);         // Call.target -> MessageTarget
  structPointer(dv, 56, 88, 0, 2);         // Call.params -> Payload
  if (!promised) {
    dv.setUint32(72, target as number, true); // which @76 stays 0: importedCap
  } else {
    dv.setUint16(76, 1, true);                // which: promisedAnswer
    structPointer(dv, 80, 104, 1, 1);         // MessageTarget.promisedAnswer -> PromisedAnswer
    dv.setUint32(104, promised.questionId, true);
    if (n) {
      // transform: a composite list of Op {which u16 @0 = getPointerField (1), field u16 @2}
      dv.setUint32(112, 1, true);             // list pointer, offset 0 (the tag follows), composite
      dv.setUint32(116, ((n << 3) | 7) >>> 0, true);
      dv.setUint32(120, (n << 2) >>> 0, true); // tag: element count, one data word, no pointers
      dv.setUint16(124, 1, true);
      promised.transform.forEach((op, i) => {
        dv.setUint16(128 + 8 * i, 1, true);
        dv.setUint16(130 + 8 * i, op.field, true);
      });
    }
  }
  return { msg, contentAt: 88, payload: () => new rpc.Payload(seg, 56) };
}

export interface OutgoingReturn {
  msg: $.Message;
  contentAt: number;
  payload(): rpc.Payload;
}

/** A Return with results (releaseParamCaps false), envelope written, results slot empty. */
export function beginReturn(answerId: number): OutgoingReturn {
  const msg = newMessage();
  const seg = msg.getSegment(0);
  seg.allocate(64 - 8);
  const dv: DataView = (seg as any)._dv;
  structPointer(dv, 0, 8, 1, 1);
  dv.setUint16(8, MSG_RETURN, true);
  structPointer(dv, 16, 24, 2, 1);         // Message.return -> Return
  dv.setUint32(24, answerId, true);
  dv.setUint8(28, 1);                      // releaseParamCaps = false (bit 32, inverted default)
  structPointer(dv, 40, 48, 0, 2);         // Return.results -> Payload
  return { msg, contentAt: 48, payload: () => new rpc.Payload(seg, 40) };
}

/**
 * Marks a Return begun with beginReturn `noFinishNeeded` (rpc.capnp, Cap'n
 * Proto 1.0): its answer is gone once sent, and the caller need not send
 * Finish. Only for results that carry no capabilities.
 */
export function setNoFinishNeeded(out: OutgoingReturn): void {
  const dv: DataView = (out.msg.getSegment(0) as any)._dv;
  dv.setUint8(28, dv.getUint8(28) | 2);    // bit 33
}

// Where the last struct nearStruct found starts: module fields, not an
// object per pointer read (four per message on the hot path).
let sData = 0, sDataWords = 0, sPtrs = 0, sPtrWords = 0;

/**
 * Reads the near struct pointer at byte `at` of `dv` into sData, sDataWords,
 * sPtrs and sPtrWords (where its data and pointers start). False for null,
 * far or other pointers.
 */
function nearStruct(dv: DataView, at: number): boolean {
  const lo = dv.getUint32(at, true);
  if ((lo & 3) !== 0) return false;
  const hi = dv.getUint32(at + 4, true);
  if (lo === 0 && hi === 0) return false;
  sData = at + 8 + ((lo | 0) >> 2) * 8;
  sDataWords = hi & 0xffff;
  sPtrs = sData + sDataWords * 8;
  sPtrWords = hi >>> 16;
  return true;
}

/** A MessageTarget's PromisedAnswer (its pointers at `ptrs`) with a transform of getPointerField ops, or null for anything else. */
function promisedAnswer(dv: DataView, ptrs: number, ptrWords: number): { questionId: number; transform: Array<{ field: number }> } | null {
  if (ptrWords < 1) return null;
  if (!nearStruct(dv, ptrs) || sDataWords < 1) return null;
  const questionId = dv.getUint32(sData, true);
  const transform: Array<{ field: number }> = [];
  if (sPtrWords >= 1) {
    const at = sPtrs;
    const lo = dv.getUint32(at, true), hi = dv.getUint32(at + 4, true);
    if (lo !== 0 || hi !== 0) {
      if ((lo & 3) !== 1 || (hi & 7) !== 7) return null;                  // not a composite list
      const tag = at + 8 + ((lo | 0) >> 2) * 8;
      const count = dv.getUint32(tag, true) >>> 2;
      const dataWords = dv.getUint16(tag + 4, true), ptrWords = dv.getUint16(tag + 6, true);
      const stride = (dataWords + ptrWords) * 8;
      if (dataWords < 1 || count * stride > (hi >>> 3) * 8) return null;
      for (let i = 0; i < count; i++) {
        const op = tag + 8 + i * stride;
        const which = dv.getUint16(op, true);
        if (which === 1) transform.push({ field: dv.getUint16(op + 2, true) });
        else if (which !== 0) return null;                                // unknown op
      }
    }
  }
  return { questionId, transform };
}

// The interface id of the last Call read, as a bigint: calls mostly go to
// one interface, and reading a u64 as a bigint allocates one each time.
let lastIfLo = 0, lastIfHi = 0, lastIf = 0n;

function interfaceIdAt(dv: DataView, at: number): bigint {
  const lo = dv.getUint32(at, true), hi = dv.getUint32(at + 4, true);
  if (lo !== lastIfLo || hi !== lastIfHi || lastIf === 0n) { lastIfLo = lo; lastIfHi = hi; lastIf = dv.getBigUint64(at, true); }
  return lastIf;
}

export type FastMessage =
  | { kind: 'call'; questionId: number; interfaceId: bigint; methodId: number;
      /** The target: an export id, or a promised answer and its transform. */
      importedCap: number | null; promised: { questionId: number; transform: Array<{ field: number }> } | null;
      content: $.Pointer; hasCaps: boolean; payload: () => rpc.Payload }
  | { kind: 'return'; answerId: number; releaseParamCaps: boolean; noFinishNeeded: boolean; content: $.Pointer; hasCaps: boolean; payload: () => rpc.Payload }
  | { kind: 'finish'; questionId: number; releaseResultCaps: boolean };

/**
 * The common case of the three hot messages, read from fixed offsets: a
 * Call to an imported capability with results to the caller, a Return with
 * results, a Finish. Anything else (or any other layout, such as far
 * pointers) gives null, and the generated classes read it instead.
 */
export function decodeFast(msg: $.Message): FastMessage | null {
  const seg = msg.getSegment(0);
  const dv: DataView = (seg as any)._dv;
  if (!nearStruct(dv, 0) || sDataWords < 1 || sPtrWords < 1) return null;
  const which = dv.getUint16(sData, true);
  if (!nearStruct(dv, sPtrs)) return null;
  const bodyData = sData, bodyDataWords = sDataWords, bodyPtrs = sPtrs, bodyPtrWords = sPtrWords;
  if (which === MSG_FINISH) {
    if (bodyDataWords < 1) return null;
    return { kind: 'finish', questionId: dv.getUint32(bodyData, true), releaseResultCaps: (dv.getUint8(bodyData + 4) & 1) === 0 };
  }
  if (which === MSG_CALL) {
    if (bodyDataWords < 2 || bodyPtrWords < 2) return null;
    if (dv.getUint16(bodyData + 6, true) !== 0) return null;             // sendResultsTo != caller
    if (!nearStruct(dv, bodyPtrs) || sDataWords < 1) return null;
    const targetData = sData;
    const targetKind = dv.getUint16(targetData + 4, true);
    let promised: { questionId: number; transform: Array<{ field: number }> } | null = null;
    if (targetKind === 1) {
      promised = promisedAnswer(dv, sPtrs, sPtrWords);
      if (!promised) return null;
    } else if (targetKind !== 0) return null;
    const payloadAt = bodyPtrs + 8;
    if (!nearStruct(dv, payloadAt) || sPtrWords < 1) return null;
    const hasCaps = sPtrWords >= 2 && (dv.getUint32(sPtrs + 8, true) !== 0 || dv.getUint32(sPtrs + 12, true) !== 0);
    return {
      kind: 'call',
      questionId: dv.getUint32(bodyData, true),
      methodId: dv.getUint16(bodyData + 4, true),
      interfaceId: interfaceIdAt(dv, bodyData + 8),
      importedCap: promised ? null : dv.getUint32(targetData, true),
      promised,
      content: new $.Pointer(seg, sPtrs),
      hasCaps,
      payload: () => new rpc.Payload(seg, payloadAt),
    };
  }
  if (which === MSG_RETURN) {
    if (bodyDataWords < 1 || bodyPtrWords < 1) return null;
    if (dv.getUint16(bodyData + 6, true) !== 0) return null;             // not results
    const payloadAt = bodyPtrs;
    if (!nearStruct(dv, payloadAt) || sPtrWords < 1) return null;
    const hasCaps = sPtrWords >= 2 && (dv.getUint32(sPtrs + 8, true) !== 0 || dv.getUint32(sPtrs + 12, true) !== 0);
    return {
      kind: 'return', answerId: dv.getUint32(bodyData, true),
      releaseParamCaps: (dv.getUint8(bodyData + 4) & 1) === 0,            // bit 32, default true, stored inverted
      noFinishNeeded: (dv.getUint8(bodyData + 4) & 2) !== 0,              // bit 33
      content: new $.Pointer(seg, sPtrs), hasCaps, payload: () => new rpc.Payload(seg, payloadAt),
    };
  }
  return null;
}

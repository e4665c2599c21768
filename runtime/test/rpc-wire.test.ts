// The fixed-layout codec (runtime/rpc/wire.ts) against capnp-es's generated
// rpc.capnp classes, both ways: what the fast encoder writes, the generated
// readers read back field for field; what the generated writers build, the
// fast decoder reads the same (or declines, and the generated path reads it).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { beginCall, beginReturn, setNoFinishNeeded, decodeFast, finishFrame, readFrame, frameOf } from '../rpc/wire.js';
import { validateMessage, DEFAULT_READ_LIMITS } from '../rpc/validate.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** Sends through the wire format: bytes, validated, read back. */
function roundTrip(m: $.Message): $.Message {
  const bytes = frameOf(m);
  validateMessage(bytes, DEFAULT_READ_LIMITS);
  return readFrame(bytes);
}

describe('fixed-layout Call, Return and Finish agree with the generated rpc.capnp classes', () => {
  it('a fast Call reads back through the generated classes, params included', () => {
    fc.assert(fc.property(u32, u64, u16, u32, fc.string(), (qid, iid, mid, cap, text) => {
      const out = beginCall(qid, iid, mid, cap);
      const content = new $.Pointer(out.msg.getSegment(0), out.contentAt);
      // A struct with one text field as params: written through a generated-style accessor.
      const params = new ($.Struct as any)(content.segment, content.byteOffset);
      $.utils.initStruct(new $.ObjectSize(0, 1), params);
      $.utils.setText(0, text, params);
      const back = roundTrip(out.msg).getRoot(rpc.Message);
      expect(back.which()).toBe(rpc.Message_Which.CALL);
      const c = back.call;
      expect([c.questionId, c.interfaceId, c.methodId]).toEqual([qid, iid, mid]);
      expect(c.target.which()).toBe(rpc.MessageTarget_Which.IMPORTED_CAP);
      expect(c.target.importedCap).toBe(cap);
      expect(c.sendResultsTo.which()).toBe(rpc.Call_SendResultsTo_Which.CALLER);
      expect($.utils.getText(0, $.utils.getAs($.Struct as any, c.params.content))).toBe(text);
      expect(c.params._hasCapTable()).toBe(false);
    }), { numRuns: 300 });
  });

  it('a generated Call decodes the same on the fast path', () => {
    fc.assert(fc.property(u32, u64, u16, u32, fc.boolean(), (qid, iid, mid, cap, withCaps) => {
      const m = new $.Message();
      const c = m.initRoot(rpc.Message)._initCall();
      c.questionId = qid; c.interfaceId = iid; c.methodId = mid;
      c._initTarget().importedCap = cap;
      const p = c._initParams();
      if (withCaps) p._initCapTable(1).get(0).senderHosted = 3;
      const fast = decodeFast(roundTrip(m));
      expect(fast).toMatchObject({ kind: 'call', questionId: qid, interfaceId: iid, methodId: mid, importedCap: cap, hasCaps: withCaps });
    }), { numRuns: 300 });
  });

  it('a fast Call on a promised answer reads back its transform; a generated one decodes the same', () => {
    const fields = fc.array(u16, { maxLength: 6 });
    fc.assert(fc.property(u32, u32, fields, (qid, target, transform) => {
      const out = beginCall(qid, 7n, 1, { questionId: target, transform: transform.map((field) => ({ field })) });
      const c = roundTrip(out.msg).getRoot(rpc.Message).call;
      expect(c.target.which()).toBe(rpc.MessageTarget_Which.PROMISED_ANSWER);
      const pa = c.target.promisedAnswer;
      expect(pa.questionId).toBe(target);
      const ops = pa.transform;
      expect(Array.from({ length: ops.length }, (_, i) => ops.get(i).getPointerField)).toEqual(transform);
      const m = new $.Message();
      const g = m.initRoot(rpc.Message)._initCall();
      g.questionId = qid;
      const gp = g._initTarget()._initPromisedAnswer();
      gp.questionId = target;
      if (transform.length) {
        const l = gp._initTransform(transform.length);
        transform.forEach((f, i) => { l.get(i).getPointerField = f; });
      }
      g._initParams();
      expect(decodeFast(roundTrip(m))).toMatchObject({ kind: 'call', importedCap: null, promised: { questionId: target, transform: transform.map((field) => ({ field })) } });
    }), { numRuns: 300 });
  });

  it('declines what it does not cover: other recipients, other kinds', () => {
    const yourself = new $.Message();
    const y = yourself.initRoot(rpc.Message)._initCall();
    y._initTarget().importedCap = 1;
    y._initParams();
    y.sendResultsTo.yourself = true;
    expect(decodeFast(roundTrip(yourself))).toBeNull();
    const boot = new $.Message();
    boot.initRoot(rpc.Message)._initBootstrap().questionId = 1;
    expect(decodeFast(roundTrip(boot))).toBeNull();
    const ex = new $.Message();
    ex.initRoot(rpc.Message)._initReturn()._initException().reason = 'x';
    expect(decodeFast(roundTrip(ex))).toBeNull();
  });

  it('a fast Return says releaseParamCaps false and reads back; a generated one decodes the same', () => {
    fc.assert(fc.property(u32, fc.boolean(), (id, release) => {
      const out = beginReturn(id);
      const r = roundTrip(out.msg).getRoot(rpc.Message);
      expect(r.which()).toBe(rpc.Message_Which.RETURN);
      expect(r.return.answerId).toBe(id);
      expect(r.return.releaseParamCaps).toBe(false);
      expect(r.return.which()).toBe(rpc.Return_Which.RESULTS);
      const m = new $.Message();
      const g = m.initRoot(rpc.Message)._initReturn();
      g.answerId = id; g.releaseParamCaps = release; g._initResults();
      expect(decodeFast(roundTrip(m))).toMatchObject({ kind: 'return', answerId: id, releaseParamCaps: release, hasCaps: false });
    }), { numRuns: 300 });
  });

  it('noFinishNeeded: the fast flag reads back through the generated class, and a generated one decodes the same', () => {
    fc.assert(fc.property(u32, fc.boolean(), fc.boolean(), (id, flag, release) => {
      const out = beginReturn(id);
      if (flag) setNoFinishNeeded(out);
      const r = roundTrip(out.msg).getRoot(rpc.Message).return;
      expect([r.answerId, r.noFinishNeeded, r.releaseParamCaps, r.which()]).toEqual([id, flag, false, rpc.Return_Which.RESULTS]);
      expect(decodeFast(roundTrip(out.msg))).toMatchObject({ kind: 'return', answerId: id, noFinishNeeded: flag, releaseParamCaps: false });
      const m = new $.Message();
      const g = m.initRoot(rpc.Message)._initReturn();
      g.answerId = id; g.releaseParamCaps = release; g.noFinishNeeded = flag; g._initResults();
      expect(decodeFast(roundTrip(m))).toMatchObject({ kind: 'return', answerId: id, releaseParamCaps: release, noFinishNeeded: flag });
    }), { numRuns: 300 });
  });

  it('a Finish from the template reads back; a generated one decodes the same', () => {
    fc.assert(fc.property(u32, fc.boolean(), (id, release) => {
      const f = readFrame(finishFrame(id)).getRoot(rpc.Message);
      expect([f.which(), f.finish.questionId, f.finish.releaseResultCaps]).toEqual([rpc.Message_Which.FINISH, id, false]);
      const m = new $.Message();
      const g = m.initRoot(rpc.Message)._initFinish();
      g.questionId = id; g.releaseResultCaps = release;
      expect(decodeFast(roundTrip(m))).toEqual({ kind: 'finish', questionId: id, releaseResultCaps: release });
    }), { numRuns: 300 });
  });
});

describe('outgoing frames share a slab', () => {
  it('every frame keeps its bytes while later frames fill the slab and the next ones', () => {
    // 64 KiB slabs: 6,000 frames of 80-odd bytes cross several of them.
    const frames: Array<{ id: number; bytes: Uint8Array; copy: Uint8Array }> = [];
    for (let id = 0; id < 6000; id++) {
      const bytes = id % 3 === 0 ? finishFrame(id) : frameOf(beginReturn(id).msg);
      frames.push({ id, bytes, copy: bytes.slice() });
    }
    for (const f of frames) {
      expect(Buffer.from(f.bytes).equals(f.copy)).toBe(true);
      const m = readFrame(f.bytes, validateMessage(f.bytes, DEFAULT_READ_LIMITS)).getRoot(rpc.Message);
      expect(f.id % 3 === 0 ? m.finish.questionId : m.return.answerId).toBe(f.id);
    }
  });

  it('a frame too large for a slab gets a buffer of its own', () => {
    const m = new $.Message();
    m.initRoot(rpc.Message)._initAbort().reason = 'x'.repeat(40_000);
    const bytes = frameOf(m);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    expect(readFrame(bytes).getRoot(rpc.Message).abort.reason).toBe('x'.repeat(40_000));
  });
});

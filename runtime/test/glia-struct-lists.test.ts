// Glia calls whose params hold a list of structs with both data and
// pointers (Membrane.Export: name, cap, interfaceId), at the top of the
// params (Executor.spawn's caps) and inside a struct (a CellSpec's caps
// in VatListener.listen), sent over a real Cap'n Proto connection. capnp-es's
// copy of such a list fails ("Invalid typed array length"), so the Glia
// binding writes these params in the call's own message
// (runtime/membrane/glia-cap.ts); the server reads every element and its
// capability.
import { describe, it, expect, afterAll } from 'vitest';
import { Executor$Client, Executor$Server, VatListener$Client, VatListener$Server, Ipfs$Client, Ipfs$Server } from '../../schema/generated/system.js';
import { toHook, capOfPointer } from '../rpc/hooks.js';
import { graftedSession, type GraftedSession } from './node/cap-session.js';

const seen: string[] = [];
function readExports(list: any): void {
  for (let i = 0; i < list.length; i++) {
    const e = list.get(i);
    seen.push(`${e.name} ${e.interfaceId} ${capOfPointer(e.cap) ? 'cap' : 'none'}`);
  }
}
const unused = async () => { throw new Error('not in this test'); };
const executor = toHook(new Executor$Server({ spawn: async (p: any) => { readExports(p.caps); throw new Error('spawned'); }, cid: unused } as any))!;
const vats = toHook(new VatListener$Server({
  serve: unused,
  listen: async (p: any) => { readExports(p.cell.caps); seen.push(`wasm ${p.cell.wasm.toUint8Array().join(',')}`); throw new Error('listened'); },
} as any))!;
const ipfs = toHook(new Ipfs$Server({ read: unused, add: unused } as any))!;

let s: GraftedSession;
afterAll(() => s?.close());

describe('Glia params with a list of structs', () => {
  it('reach the server whole: Executor :spawn :caps, VatListener :listen with a CellSpec map', async () => {
    s = await graftedSession([
      { name: 'executor', interfaceId: Executor$Client.interfaceId, cap: executor },
      { name: 'ipfs', interfaceId: Ipfs$Client.interfaceId, cap: ipfs },
      { name: 'vats', interfaceId: VatListener$Client.interfaceId, cap: vats },
    ]);
    expect(await s.eval('(try (perform executor :spawn :caps [{:name "ipfs" :cap ipfs :interface-id 7} {:name "two" :cap ipfs}]) (catch _ e (ex-message e)))'))
      .toMatch(/spawned/);
    expect(seen.splice(0)).toEqual(['ipfs 7 cap', 'two 0 cap']);
    expect(await s.eval('(try (perform vats :listen {:wasm (bytes [1 2 3]) :caps [{:name "ipfs" :cap ipfs}]} "v") (catch _ e (ex-message e)))'))
      .toMatch(/listened/);
    expect(seen.splice(0)).toEqual(['ipfs 0 cap', 'wasm 1,2,3']);
    // A bad element still fails in the caller, as a Glia error naming the field.
    expect(await s.eval('(try (perform executor :spawn :caps [{:name 5 :cap ipfs}]) (catch :glia.error/type-mismatch e :bad))')).toBe(':bad');
    expect(seen).toEqual([]);
  });
});

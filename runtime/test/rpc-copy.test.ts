// Forwarded params and results are copied into the outgoing message by
// runtime/rpc/copy.ts. capnp-es's own copy failed ("Invalid typed array
// length") for a list of structs whose pointers hold something, such as
// GliaCap.call's args with a string of 8 bytes or more: a call made through
// a membrane to a defcap served by another vat failed for `(perform g
// :greet "discovery")` and worked for "x". Checked on the copy itself and
// through a real forwarding hop (a capability held across two connections).
import { describe, it, expect } from 'vitest';
import * as $ from 'capnp-es';
import { copyPointer } from '../rpc/copy.js';
import { GliaCap$Client } from '../../schema/generated/glia.js';
import { Connection } from '../rpc/conn.js';
import { pipePair } from '../rpc/transport.js';
import { Membrane, readGraft } from '../membrane/membrane.js';
import { Membrane$Client } from '../../schema/generated/membrane.js';
import { GliaBridge, bindGraft } from '../membrane/glia-cap.js';
import { Session } from '../../glia/index.js';
import { writeValue, readValue } from '../membrane/glia-values.js';
import { prStr } from '../../glia/values/printer.js';

const CallParams = GliaCap$Client.methods[0]!.ParamsClass as any;
const noCaps = { capOfId: () => { throw new Error('no capabilities here'); } } as any;

describe('copyPointer', () => {
  it('copies a list of structs with pointers (GliaCap.call args) whole into another message', async () => {
    const session = new Session();
    const value = await session.evalString('["discovery, a string well over eight bytes" {:k [1 "two" {:three "a longer string"}]} 42 nil "x"]');
    const src = new $.Message().initRoot(CallParams);
    src.method = 'greet';
    const list = src._initArgs(1);
    writeValue(list.get(0), value, noCaps);
    // Into a message that already holds something, at a pointer not at its start, as a Call is built.
    const dst = new $.Message();
    const root = dst.initRoot(CallParams);
    root.method = 'padding before the copy';
    const at = new $.Pointer(dst.getSegment(0), dst.getSegment(0).allocate(8).byteOffset);
    copyPointer(src as unknown as $.Pointer, at); // a Struct is the pointer to it
    const params = $.utils.getAs(CallParams, at) as any;
    expect(params.method).toBe('greet');
    const copied = params.args;
    expect(copied.length).toBe(1);
    expect(prStr(readValue(copied.get(0), noCaps))).toBe(prStr(value));
  });
});

describe('a forwarded GliaCap call', () => {
  it('with long strings and nested data in its args and result, through a membrane hop', async () => {
    // Vat A serves a defcap through a Membrane; B grafts it; B's session serves what it
    // grafted to C through a second Membrane, so C's calls are forwarded by B's connection.
    const a = new Session();
    const bridgeA = new GliaBridge();
    bridgeA.session = a;
    await a.evalString('(defcap greeter :greet (fn [who more] {:hello (str "hello, " who) :more more}))');
    const conns: Connection[] = [];
    const hop = async (exports: () => any[], bridge: GliaBridge) => {
      const [x, y] = pipePair();
      conns.push(new Connection(x, { bootstrap: new Membrane(exports).server() }));
      const client = new Connection(y);
      conns.push(client);
      const grafted = readGraft(await new Membrane$Client(await client.bootstrapClient() as any).graft().promise());
      return bindGraft(bridge, grafted);
    };
    const greeterA = await a.evalString('greeter');
    const capA = bridgeA.hookOf(greeterA as any);
    const bridgeB = new GliaBridge();
    const atB = await hop(() => [{ name: 'greeter', interfaceId: GliaCap$Client.interfaceId, cap: capA.dup() }], bridgeB);
    const b = new Session({ capabilities: atB });
    bridgeB.session = b;
    const capB = bridgeB.hookOf(atB.greeter as any);
    const bridgeC = new GliaBridge();
    const atC = await hop(() => [{ name: 'greeter', interfaceId: GliaCap$Client.interfaceId, cap: capB.dup() }], bridgeC);
    const c = new Session({ capabilities: atC });
    bridgeC.session = c;
    try {
      expect(prStr(await c.evalString('(perform greeter :greet "discovery" [{:a "a string of some length"} "xyzzy plugh"])')))
        .toBe('{:hello "hello, discovery", :more [{:a "a string of some length"} "xyzzy plugh"]}');
      expect(prStr(await c.evalString('(perform greeter :greet "x" nil)'))).toBe('{:hello "hello, x", :more nil}');
    } finally {
      for (const conn of conns) conn.close();
    }
  });
});

// The Host capability as a Glia value: the schema's methods, plus the
// conveniences the schema's doc comment names (listed for the checker in
// glia/compile/conveniences.ts):
//
//   (perform host :listen cell "/prefix")      -> a Registration
//   (perform host :listen-stream cell "proto") -> not yet (node/not-yet)
//   (perform host :serve-vat cap "name")       -> not yet (node/not-yet)
//
// :listen is Host.network() with HttpListener.listen pipelined on its
// httpListener, both real calls on the capability's hook, so a membrane
// policy on the host sees them. `cell` is a cell value, whose grants
// (runtime/membrane/cell-grants.ts) become the CellSpec's caps and whose
// bytes go in CellSpec.wasm (the node loads them with its own runtime);
// the component's bytes alone (no grants); or an Executor capability
// (CellSpec.executor: each request spawns through it). The Registration
// comes back as a capability value: `(perform reg :cancel)` stops serving.
//
// The stream and vat listeners are built by a later issue; until then
// their conveniences fail :node/not-yet, naming what is missing.
import { Map as IMap } from 'immutable';
import { Keyword, kw } from '../../glia/values/keyword.js';
import { fail, GliaError, ERR_TYPE, ERR_MESSAGE, ERR_HINT } from '../../glia/values/errors.js';
import { typeName } from '../../glia/core/type.js';
import { CellValue } from '../../glia/values/cell.js';
import * as $ from 'capnp-es';
import { Host$Client, HttpListener$Client, Registration$Client, Executor$Client } from '../../schema/generated/system.js';
import type { Hook } from '../rpc/hooks.js';
import { writeExports, type ExportSpec } from './membrane.js';
import { RpcCap, capValueClasses, toGlia } from './glia-cap.js';
import { cellGrants } from './cell-grants.js';

const NETWORK = Host$Client.methods[3]!;
const LISTEN = HttpListener$Client.methods[0]!;
/** Host.network()'s results: httpListener is its fifth capability. */
const HTTP_LISTENER = [{ field: 4 }];

const NOT_YET: Record<string, string> = {
  'listen-stream': 'StreamListener.listen: serving raw byte-stream protocols over libp2p (/ww/0.1.0/stream/<protocol>)',
  'serve-vat': 'VatListener.serve: offering a capability as a Cap\'n Proto vat over libp2p (/ww/0.1.0/vat/<name>)',
};

export class HostCap extends RpcCap {
  override invoke(method: Keyword, args: any[]): Promise<unknown> {
    if (method.ns === null) {
      if (method.name === 'listen') return this.listen(args);
      const missing = NOT_YET[method.name];
      if (missing) return Promise.reject(notYet(method.name, missing));
    }
    return super.invoke(method, args);
  }

  override methods(): Keyword[] | null {
    const ms = super.methods();
    return ms ? [...ms, kw('listen'), kw('listen-stream'), kw('serve-vat')] : ms;
  }

  private async listen(args: any[]): Promise<unknown> {
    const usage = '(perform host :listen (cell wasm) "/status")';
    if (args.length !== 2) fail('arity-mismatch', `Host :listen takes a cell and a path prefix, got ${args.length} argument${args.length === 1 ? '' : 's'}`, null, usage);
    const [cell, prefix] = args;
    if (typeof prefix !== 'string') fail('type-mismatch', `Host :listen's prefix is a string such as "/status", got ${typeName(prefix)}`, null, usage);
    let wasm: Uint8Array | null = null;
    let executor: Hook | null = null;
    let caps: ExportSpec[] = [];
    if (cell instanceof CellValue) { wasm = cell.wasm; caps = cellGrants(cell, this.bridge); }
    else if (cell instanceof Uint8Array) wasm = cell;
    else if (cell instanceof RpcCap && cell.interfaceId === Executor$Client.interfaceId) executor = cell.hook;
    else fail('type-mismatch', `Host :listen serves a cell value, a component's bytes or an Executor, got ${typeName(cell)}`, null, usage);

    const listener = this.hook.call({ method: NETWORK }).pipelineHook(HTTP_LISTENER);
    const answer = listener.call({
      method: LISTEN,
      paramsFunc: (p: any) => {
        p.prefix = prefix;
        const spec = p._initCell();
        if (executor) $.utils.setInterfacePointer(spec.segment.message.addCap(executor as any), $.utils.getPointer(0, spec));
        else spec._initWasm(wasm!.length).copyBuffer(wasm!);
        writeExports(spec._initCaps(caps.length), caps);
      },
    });
    try { await answer.struct(); }
    catch (e) { throw toGlia(e, 'Host :listen'); }
    return this.bridge.capOfId(answer.pipelineHook([{ field: 0 }]), Registration$Client.interfaceId);
  }
}

capValueClasses.set(Host$Client.interfaceId, HostCap);

/** :node/not-yet (the node's catalog, runtime/node/errors.ts), naming the missing feature. */
function notYet(name: string, missing: string): GliaError {
  const m = IMap<any, any>().asMutable();
  m.set(ERR_TYPE, kw('node/not-yet'));
  m.set(ERR_MESSAGE, `host :${name} is not built yet: it needs ${missing}, which comes with the Vat and Stream listeners over libp2p (the next issue); this node serves HTTP only`);
  m.set(ERR_HINT, 'serve HTTP with (perform host :listen (cell wasm) "/prefix") meanwhile');
  return new GliaError(m.asImmutable());
}

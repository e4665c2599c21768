// The Host capability as a Glia value: the schema's methods, plus the
// conveniences the schema's doc comment names (listed for the checker in
// glia/compile/conveniences.ts):
//
//   (perform host :listen cell "/prefix")      -> a Registration (HTTP, WAGI)
//   (perform host :listen-stream cell "name")  -> a Registration (/ww/0.1.0/stream/name)
//   (perform host :dial-stream peer-id "name") -> a ByteStream
//   (perform host :serve-vat cap "name")       -> a Registration (/ww/0.1.0/vat/name)
//   (perform host :dial-vat peer-id "name")    -> the capability served there
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
// Each is Host.network() with the listener's or dialer's method pipelined
// on it. A served capability goes with its interface id, so the dialer
// gets a value it can call by method name (VatClient.dial's interfaceId).
import { Keyword, kw } from '../../glia/values/keyword.js';
import { fail } from '../../glia/values/errors.js';
import { isCapability } from '../../glia/eval/driver.js';
import { typeName } from '../../glia/core/type.js';
import { CellValue } from '../../glia/values/cell.js';
import * as $ from 'capnp-es';
import { Host$Client, HttpListener$Client, StreamListener$Client, StreamDialer$Client, VatListener$Client, VatClient$Client, Registration$Client, Executor$Client, ByteStream$Client } from '../../schema/generated/system.js';
import type { Hook } from '../rpc/hooks.js';
import { writeExports, type ExportSpec } from './membrane.js';
import { RpcCap, capValueClasses, toGlia } from './glia-cap.js';
import { cellGrants } from './cell-grants.js';

const NETWORK = Host$Client.methods[3]!;
/** Host.network()'s results, by field: the endpoint each convenience pipelines on. */
const STREAM_LISTENER = [{ field: 0 }], STREAM_DIALER = [{ field: 1 }], VAT_LISTENER = [{ field: 2 }], VAT_CLIENT = [{ field: 3 }], HTTP_LISTENER = [{ field: 4 }];

const USAGE: Record<string, string> = {
  'listen': '(perform host :listen (cell wasm) "/status")',
  'listen-stream': '(perform host :listen-stream (cell wasm) "echo")',
  'serve-vat': '(perform host :serve-vat cap "counter")',
  'dial-vat': '(perform host :dial-vat peer-id "counter")',
  'dial-stream': '(perform host :dial-stream peer-id "echo")',
};

export class HostCap extends RpcCap {
  override invoke(method: Keyword, args: any[]): Promise<unknown> {
    if (method.ns === null) {
      switch (method.name) {
        case 'listen': return this.listen(args);
        case 'listen-stream': return this.listenStream(args);
        case 'serve-vat': return this.serveVat(args);
        case 'dial-vat': return this.dialVat(args);
        case 'dial-stream': return this.dialStream(args);
      }
    }
    return super.invoke(method, args);
  }

  override methods(): Keyword[] | null {
    const ms = super.methods();
    return ms ? [...ms, ...Object.keys(USAGE).map((m) => kw(m))] : ms;
  }

  /** The two arguments of a convenience, the second a string named `what`. */
  private two(name: string, args: any[], first: string, what: string): [any, string] {
    const usage = USAGE[name]!;
    if (args.length !== 2) fail('arity-mismatch', `Host :${name} takes ${first} and ${what}, got ${args.length} argument${args.length === 1 ? '' : 's'}`, null, usage);
    if (typeof args[1] !== 'string') fail('type-mismatch', `Host :${name}'s ${what} is a string, got ${typeName(args[1])}`, null, usage);
    return [args[0], args[1]];
  }

  /** Calls `method` on the network endpoint at `field`, pipelined on Host.network(); the answer once it has returned. */
  private async onNetwork(field: Array<{ field: number }>, method: any, paramsFunc: (p: any) => void, what: string) {
    const endpoint = this.hook.call({ method: NETWORK }).pipelineHook(field);
    const answer = endpoint.call({ method, paramsFunc });
    let results;
    try { results = await answer.struct(); }
    catch (e) { throw toGlia(e, what); }
    return { answer, results };
  }

  /** The CellSpec of a cell value, a component's bytes or an Executor. */
  private cellSpec(name: string, cell: unknown): (spec: any) => void {
    let wasm: Uint8Array | null = null;
    let executor: Hook | null = null;
    let caps: ExportSpec[] = [];
    if (cell instanceof CellValue) { wasm = cell.wasm; caps = cellGrants(cell, this.bridge); }
    else if (cell instanceof Uint8Array) wasm = cell;
    else if (cell instanceof RpcCap && cell.interfaceId === Executor$Client.interfaceId) executor = cell.hook;
    else fail('type-mismatch', `Host :${name} serves a cell value, a component's bytes or an Executor, got ${typeName(cell)}`, null, USAGE[name]!);
    return (spec) => {
      if (executor) $.utils.setInterfacePointer(spec.segment.message.addCap(executor as any), $.utils.getPointer(0, spec));
      else spec._initWasm(wasm!.length).copyBuffer(wasm!);
      writeExports(spec._initCaps(caps.length), caps);
    };
  }

  private async listenStream(args: any[]): Promise<unknown> {
    const [cell, name] = this.two('listen-stream', args, 'a cell', 'stream name');
    const spec = this.cellSpec('listen-stream', cell);
    const { answer } = await this.onNetwork(STREAM_LISTENER, StreamListener$Client.methods[0]!, (p) => { p.protocol = name; spec(p._initCell()); }, 'Host :listen-stream');
    return this.bridge.capOfId(answer.pipelineHook([{ field: 0 }]), Registration$Client.interfaceId);
  }

  private async serveVat(args: any[]): Promise<unknown> {
    const [cap, name] = this.two('serve-vat', args, 'a capability', 'vat name');
    if (!isCapability(cap)) fail('type-mismatch', `Host :serve-vat serves a capability, got ${typeName(cap)}`, null, USAGE['serve-vat']!);
    const hook = this.bridge.hookOf(cap);
    const interfaceId = this.bridge.interfaceIdOf(cap);
    const { answer } = await this.onNetwork(VAT_LISTENER, VatListener$Client.methods[1]!, (p) => {
      p.name = name;
      p.interfaceId = interfaceId;
      $.utils.setInterfacePointer(p.segment.message.addCap(hook as any), $.utils.getPointer(0, p));
    }, 'Host :serve-vat');
    return this.bridge.capOfId(answer.pipelineHook([{ field: 0 }]), Registration$Client.interfaceId);
  }

  private async dialVat(args: any[]): Promise<unknown> {
    const [peer, name] = this.two('dial-vat', args, 'a peer id', 'vat name');
    if (typeof peer !== 'string') fail('type-mismatch', `Host :dial-vat's peer id is a string such as "12D3KooW...", got ${typeName(peer)}`, null, USAGE['dial-vat']!);
    const { answer, results } = await this.onNetwork(VAT_CLIENT, VatClient$Client.methods[0]!, (p) => { p.peerId = peer; p.name = name; }, 'Host :dial-vat');
    const interfaceId = ($.utils.getAs(VatClient$Client.methods[0]!.ResultsClass as any, results) as unknown as { interfaceId: bigint }).interfaceId;
    return this.bridge.capOfId(answer.pipelineHook([{ field: 0 }]), interfaceId);
  }

  private async dialStream(args: any[]): Promise<unknown> {
    const [peer, name] = this.two('dial-stream', args, 'a peer id', 'stream name');
    if (typeof peer !== 'string') fail('type-mismatch', `Host :dial-stream's peer id is a string such as "12D3KooW...", got ${typeName(peer)}`, null, USAGE['dial-stream']!);
    const { answer } = await this.onNetwork(STREAM_DIALER, StreamDialer$Client.methods[0]!, (p) => { p.peerId = peer; p.protocol = name; }, 'Host :dial-stream');
    return this.bridge.capOfId(answer.pipelineHook([{ field: 0 }]), ByteStream$Client.interfaceId);
  }

  private async listen(args: any[]): Promise<unknown> {
    const [cell, prefix] = this.two('listen', args, 'a cell', 'path prefix (such as "/status")');
    const spec = this.cellSpec('listen', cell);
    const { answer } = await this.onNetwork(HTTP_LISTENER, HttpListener$Client.methods[0]!, (p) => { p.prefix = prefix; spec(p._initCell()); }, 'Host :listen');
    return this.bridge.capOfId(answer.pipelineHook([{ field: 0 }]), Registration$Client.interfaceId);
  }
}

capValueClasses.set(Host$Client.interfaceId, HostCap);

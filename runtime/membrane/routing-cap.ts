// The Routing capability as a Glia value: the schema's methods, plus the
// convenience listed for the checker in glia/compile/conveniences.ts:
//
//   (perform routing :find key :count n)
//
// gives a vector of the providers of `key`, `[{:peer-id "12D3..." :addrs
// ["/ip4/..."]} ...]`, at most `n` (20 when not given). It is a real
// Routing.findProviders call on the capability's hook with a ProviderSink
// served here, so an attenuated or revoked routing refuses :find as it
// refuses :find-providers. The sink stops the search once it has `n`
// providers (failing a provider call stops it, per the schema), and gives
// up waiting after FIND_WAIT_MS with what it has.
//
// `(perform routing :find-providers key)` with no sink (the schema's
// Glia form) gives the same vector, of up to MAX_PROVIDERS providers: it
// is collected, not lazy.
import { List, Map as IMap } from 'immutable';
import { Keyword, kw } from '../../glia/values/keyword.js';
import { fail } from '../../glia/values/errors.js';
import { prStr } from '../../glia/values/printer.js';
import { typeName } from '../../glia/core/type.js';
import { Routing$Client, ProviderSink$Client, ProviderSink$Server } from '../../schema/generated/routing.js';
import { toHook } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import { RpcCap, capValueClasses, toGlia } from './glia-cap.js';

export const DEFAULT_FIND_COUNT = 20;
/** The longest :find waits for the search to end; the node's own search deadline is shorter. */
export const FIND_WAIT_MS = 30_000;
/** The most providers :find-providers without a sink collects. */
export const MAX_PROVIDERS = 1000;
const OPTIONS = ['count'];

export class RoutingCap extends RpcCap {
  override invoke(method: Keyword, args: any[]): Promise<unknown> {
    if (method.ns === null && method.name === 'find') return this.find(args);
    if (method.ns === null && method.name === 'find-providers' && args.length === 1) return this.find([args[0], kw('count'), MAX_PROVIDERS]);
    return super.invoke(method, args);
  }

  override methods(): Keyword[] | null {
    const ms = super.methods();
    return ms ? [...ms, kw('find')] : ms;
  }

  private async find(args: any[]): Promise<List<IMap<Keyword, unknown>>> {
    const [key, ...rest] = args;
    if (typeof key !== 'string') fail('type-mismatch', `Routing :find takes a key (a CID or any text), got ${typeName(key)}`, null, '(perform routing :find "bafy..." :count 5)');
    if (rest.length % 2 !== 0) fail('arity-mismatch', 'Routing :find options come in :name value pairs', null, '(perform routing :find key :count 5)');
    let count = DEFAULT_FIND_COUNT;
    for (let i = 0; i < rest.length; i += 2) {
      const k = rest[i], v = rest[i + 1];
      if (!(k instanceof Keyword) || k.ns !== null || !OPTIONS.includes(k.name)) fail('type-mismatch', `Routing :find has no option ${prStr(k)}`, null, 'its option is :count');
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail('type-mismatch', `Routing :find :count is a positive integer, got ${prStr(v)}`);
      count = v;
    }

    const found: Array<IMap<Keyword, unknown>> = [];
    let finish!: () => void;
    const finished = new Promise<void>((res) => { finish = res; });
    const sink = toHook(new ProviderSink$Server({
      provider: async (p) => {
        if (found.length >= count) throw new RpcError('failed', `routing :find has its ${count} providers`);
        const info = p.info;
        const addrs: string[] = [];
        for (let i = 0; i < info.addrs.length; i++) addrs.push(info.addrs.get(i));
        found.push(IMap<Keyword, unknown>([[kw('peer-id'), info.peerId], [kw('addrs'), List(addrs)]]));
        if (found.length >= count) finish();
      },
      done: async () => finish(),
    }))!;
    const answer = this.hook.call({
      method: Routing$Client.methods[1]!,
      paramsFunc: (p: any) => { p.key = key; p.sink = new ProviderSink$Client(sink as any); },
    });
    let failure: unknown = null;
    answer.struct().then(() => finish(), (e) => { failure = e; finish(); });
    const wait = setTimeout(finish, FIND_WAIT_MS);
    try { await finished; } finally { clearTimeout(wait); }
    // The search failing after the sink had enough is the sink's own doing.
    if (failure && found.length < count) throw toGlia(failure, 'Routing :find');
    return List(found.slice(0, count));
  }
}

capValueClasses.set(Routing$Client.interfaceId, RoutingCap);

// The methods Glia layers on the schemas (doc/language.md §8, "Conveniences"), so the
// checker and the editor know them as well as the schema's own:
//
//   (perform host :listen cell "/prefix")         HttpListener.listen through network()
//   (perform host :listen-stream cell "name")     StreamListener.listen through network()
//   (perform host :dial-stream peer-id "name")    StreamDialer.dial through network()
//   (perform host :serve-vat cap "name")          VatListener.serve through network()
//   (perform host :dial-vat peer-id "name")       VatClient.dial through network()
//   (perform runtime :run wasm :args [...] ...)   Runtime.load, Executor.spawn, Process.wait
//   (perform routing :find key :count n)          Routing.findProviders with a sink that collects
//
// Each lists the schema calls it makes (`performs`), and those are its
// effects: `(perform host :listen ...)` performs {host/:network,
// HttpListener/:listen}, so a context that withholds host/:network
// withholds the listeners too.
import { capabilityMethods, type CapabilityInterface, type CapabilityMethod, type CapabilityField } from './capabilities.js';

export interface GliaMethod extends CapabilityMethod {
  /** True for a method Glia adds; false for a schema method. */
  convenience: boolean;
  /** The schema calls a convenience makes: own methods by name, others as Interface/:method. */
  performs: readonly string[];
}

function field(name: string, text: string, kind: string, doc = '', typeName?: string): CapabilityField {
  return { name, schemaName: name, ordinal: -1, type: typeName ? { text, kind, name: typeName } : { text, kind }, doc };
}
const registration = field('registration', 'Registration', 'Interface', 'Cancel it to stop serving.', 'Registration');

interface Convenience { iface: string; name: string; doc: string; params: CapabilityField[]; results: CapabilityField[]; performs: string[] }

const CONVENIENCES: Convenience[] = [
  {
    iface: 'Host', name: 'listen', performs: ['network', 'HttpListener/:listen'],
    doc: 'Serves HTTP (WAGI, port 2080): routes each request under `prefix` to a fresh run of `cell`. Glia convenience for HttpListener.listen through network().',
    params: [field('cell', 'CellSpec', 'Struct', 'A cell value: (cell wasm) or (cell wasm grants).', 'CellSpec'), field('prefix', 'Text', 'Text', 'The path prefix, such as "/status".')],
    results: [registration],
  },
  {
    iface: 'Host', name: 'listen-stream', performs: ['network', 'StreamListener/:listen'],
    doc: 'Serves the raw byte-stream protocol `/ww/0.1.0/stream/<name>` with a fresh run of `cell` per stream. Glia convenience for StreamListener.listen through network().',
    params: [field('cell', 'CellSpec', 'Struct', 'A cell value.', 'CellSpec'), field('name', 'Text', 'Text', 'The stream protocol name (one segment, no slash).')],
    results: [registration],
  },
  {
    iface: 'Host', name: 'serve-vat', performs: ['network', 'VatListener/:serve'],
    doc: 'Offers `cap` as the bootstrap capability on `/ww/0.1.0/vat/<name>`. Glia convenience for VatListener.serve through network().',
    params: [field('cap', 'Capability', 'Capability', 'The capability to serve; attenuation holds remotely.'), field('name', 'Text', 'Text', 'The vat name.')],
    results: [registration],
  },
  {
    iface: 'Host', name: 'dial-vat', performs: ['network', 'VatClient/:dial'],
    doc: 'Connects to the vat `/ww/0.1.0/vat/<name>` on the peer `peer-id` and gives the capability served there, callable by method name (its interface comes with it). Finds the peer through the peerstore, then the DHT; gives up after 30 s. Glia convenience for VatClient.dial through network().',
    params: [field('peer-id', 'Text', 'Text', 'The peer id of the node that serves it, "12D3KooW...".'), field('name', 'Text', 'Text', 'The vat name.')],
    results: [field('cap', 'Capability', 'Capability', 'The served capability, attenuated as its server attenuated it.')],
  },
  {
    iface: 'Host', name: 'dial-stream', performs: ['network', 'StreamDialer/:dial'],
    doc: 'Opens the raw byte stream `/ww/0.1.0/stream/<name>` to the peer `peer-id`. (perform s :read n) gives {:data bytes :eof bool}; :write sends bytes; :close ends the writing side. Glia convenience for StreamDialer.dial through network().',
    params: [field('peer-id', 'Text', 'Text', 'The peer id of the node that serves it.'), field('name', 'Text', 'Text', 'The stream protocol name.')],
    results: [field('stream', 'ByteStream', 'Interface', 'The stream, for reading and writing.', 'ByteStream')],
  },
  {
    iface: 'Runtime', name: 'run', performs: ['load', 'Executor/:spawn', 'Process/:wait'],
    doc: 'Loads `wasm`, spawns it with the options of Executor.spawn (:args, :env, :caps, :limits) and waits for it to end. Glia convenience for load, spawn and wait in one step.',
    params: [
      field('wasm', 'Data', 'Data', 'The component bytes.'),
      field('args', 'List(Text)', 'List'), field('env', 'List(Text)', 'List'),
      field('caps', 'List(Export)', 'List'), field('limits', 'Limits', 'Struct', '', 'Limits'),
    ],
    results: [field('exit-code', 'Int32', 'Int32', 'The exit code of the cell.')],
  },
  {
    iface: 'Routing', name: 'find', performs: ['find-providers'],
    doc: 'Finds the providers of `key` (a CID, or any text, hashed as for :provide) on the DHTs and returns them as a vector of maps, [{:peer-id "12D3..." :addrs ["/ip4/..."]} ...], at most `count` (20 by default). Glia convenience for findProviders with a sink that collects.',
    params: [
      field('key', 'Text', 'Text', 'A CID, or any text (hashed to a CIDv1).'),
      { ...field('count', 'UInt32', 'UInt32', 'The most providers to return; 20 when not given.'), optional: true },
    ],
    results: [field('providers', 'List(PeerInfo)', 'List', 'One map per provider: :peer-id and :addrs.')],
  },
];

const byIface = new Map<string, GliaMethod[]>();
for (const c of CONVENIENCES) {
  const list = byIface.get(c.iface) ?? [];
  list.push({
    name: c.name, schemaName: c.name, ordinal: -1, interfaceName: c.iface, interfaceId: '', doc: c.doc,
    params: c.params.map((p, i) => ({ ...p, ordinal: i })), results: c.results, convenience: true, performs: c.performs,
  });
  byIface.set(c.iface, list);
}

const cache = new Map<CapabilityInterface, readonly GliaMethod[]>();

/** The methods Glia can call on an interface: the schema's (with inherited ones), then the conveniences. */
export function gliaMethods(iface: CapabilityInterface): readonly GliaMethod[] {
  let list = cache.get(iface);
  if (!list) {
    list = [
      ...capabilityMethods(iface).map((m): GliaMethod => ({ ...m, convenience: false, performs: [m.name] })),
      ...(byIface.get(iface.name) ?? []),
    ];
    cache.set(iface, list);
  }
  return list;
}

/** A method Glia can call by its kebab-case name (without the colon), or undefined. */
export function gliaMethod(iface: CapabilityInterface, name: string): GliaMethod | undefined {
  const key = name.startsWith(':') ? name.slice(1) : name;
  return gliaMethods(iface).find((m) => m.name === key);
}


// The capability-signature table: what the schemas in schema/*.capnp say
// about every interface, as plain data generated from them and committed
// (scripts/gen-capsig.mjs writes glia/generated/capabilities.ts from the
// `capnp compile -o-` CodeGeneratorRequest; `npm run gen:schema`). The
// checker, the language server and the RPC layer read capabilities from
// here, never from runtime objects, so `(perform host :idd)` is caught
// without a running node.
//
// API (all lookups are exact and case-sensitive):
//   allCapabilityInterfaces()            every interface, sorted by name
//   capabilityInterface('Host')          by schema name, or undefined
//   capabilityInterfaceById('0xaaf3…')   by hex id (as in Export.interfaceId)
//   capabilityInterfaceForBinding('http-client')
//                                        the interface a grafted name has
//                                        (the kebab-case interface name)
//   capabilityMethods(iface)             its methods in ordinal order,
//                                        inherited ones after its own
//   capabilityMethod(iface, 'find-providers')
//                                        a method by kebab-case name (the
//                                        Glia keyword without the colon)
//   capabilityStruct('PeerInfo')         a struct (result and param types)
//   methodSignature(method)              "find-providers [key :Text, sink :ProviderSink]"
//                                        for hovers and messages
//   kebabCase('findProviders')           the naming rule, for other tools
//
// A method's `ordinal` is its Cap'n Proto ordinal within `interfaceId`, and
// `params` are in schema order: a call `(perform cap :m a b)` passes `a` as
// params[0] and `b` as params[1].
import { CAPABILITY_INTERFACES, CAPABILITY_STRUCTS } from '../generated/capabilities.js';

/** A Cap'n Proto type, as text (`List(Text)`) and as its capnp kind. */
export interface CapnpType {
  text: string;
  /** Void, Bool, Int8..Int64, UInt8..UInt64, Float32, Float64, Text, Data,
   *  List, Enum, Struct, Interface, Capability (any capability) or AnyPointer. */
  kind: string;
  /** The element type of a List. */
  element?: CapnpType;
  /** The schema name of an Enum, Struct or Interface type. */
  name?: string;
}

/** A parameter of a method, a result field or a struct field. */
export interface CapabilityField {
  /** kebab-case, as Glia spells it (`max-bytes`). */
  name: string;
  /** As the schema spells it (`maxBytes`). */
  schemaName: string;
  ordinal: number;
  type: CapnpType;
  doc: string;
  /** A convenience's parameter that has a default (`routing :find :count`); never set for schema fields. */
  optional?: boolean;
}

export interface CapabilityMethod {
  /** kebab-case, as the Glia keyword (`find-providers`). */
  name: string;
  schemaName: string;
  ordinal: number;
  /** The interface that declares the method (differs from the one looked
   *  up in when the method is inherited). */
  interfaceName: string;
  interfaceId: string;
  doc: string;
  params: readonly CapabilityField[];
  results: readonly CapabilityField[];
}

export interface CapabilityInterface {
  name: string;
  /** The interface name in kebab-case: the name a graft binds it under. */
  binding: string;
  /** The Cap'n Proto type id, as `0x` and lowercase hex. */
  id: string;
  /** The schema file, such as `system.capnp`. */
  file: string;
  doc: string;
  superclasses: readonly string[];
  methods: readonly CapabilityMethod[];
}

export interface CapabilityStruct {
  name: string;
  id: string;
  file: string;
  doc: string;
  fields: readonly CapabilityField[];
}

const byName = new Map<string, CapabilityInterface>();
const byId = new Map<string, CapabilityInterface>();
const byBinding = new Map<string, CapabilityInterface>();
for (const i of CAPABILITY_INTERFACES) {
  byName.set(i.name, i);
  byId.set(i.id, i);
  byBinding.set(i.binding, i);
}
const structs = new Map<string, CapabilityStruct>();
for (const s of CAPABILITY_STRUCTS) structs.set(s.name, s);

export function allCapabilityInterfaces(): readonly CapabilityInterface[] {
  return CAPABILITY_INTERFACES;
}

export function capabilityInterface(name: string): CapabilityInterface | undefined {
  return byName.get(name);
}

export function capabilityInterfaceById(id: string | bigint): CapabilityInterface | undefined {
  const hex = typeof id === 'bigint' ? `0x${id.toString(16)}` : id.toLowerCase();
  return byId.get(hex);
}

export function capabilityInterfaceForBinding(binding: string): CapabilityInterface | undefined {
  return byBinding.get(binding);
}

const methodLists = new Map<CapabilityInterface, readonly CapabilityMethod[]>();

/** Own methods in ordinal order, then inherited ones (nearest superclass first). */
export function capabilityMethods(iface: CapabilityInterface): readonly CapabilityMethod[] {
  let list = methodLists.get(iface);
  if (list) return list;
  const out: CapabilityMethod[] = [...iface.methods];
  const seen = new Set<string>([iface.name]);
  const queue = [...iface.superclasses];
  while (queue.length) {
    const sup = byName.get(queue.shift()!);
    if (!sup || seen.has(sup.name)) continue;
    seen.add(sup.name);
    for (const m of sup.methods) if (!out.some((o) => o.name === m.name)) out.push(m);
    queue.push(...sup.superclasses);
  }
  list = out;
  methodLists.set(iface, list);
  return list;
}

/** A method by its kebab-case name, or undefined. Accepts a leading colon. */
export function capabilityMethod(iface: CapabilityInterface | string, name: string): CapabilityMethod | undefined {
  const i = typeof iface === 'string' ? byName.get(iface) : iface;
  if (!i) return undefined;
  const key = name.startsWith(':') ? name.slice(1) : name;
  return capabilityMethods(i).find((m) => m.name === key);
}

export function capabilityStruct(name: string): CapabilityStruct | undefined {
  return structs.get(name);
}

/** `find-providers [key :Text, sink :ProviderSink] -> ()` */
export function methodSignature(m: CapabilityMethod): string {
  const params = m.params.map((p) => `${p.name} :${p.type.text}`).join(', ');
  const results = m.results.map((r) => `${r.name} :${r.type.text}`).join(', ');
  return `${m.name} [${params}] -> (${results})`;
}

/** The naming rule the generator applies: `findProviders` -> `find-providers`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

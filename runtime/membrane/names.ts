// Names for (interface id, method ordinal) pairs, for errors and for
// allowlists written by name. They come from the capnp-es generated
// clients loaded in this process (each registers itself in $.Registry).
import * as $ from 'capnp-es';

interface GeneratedClient {
  interfaceId: bigint;
  methods: ReadonlyArray<{ methodId: number; methodName?: string; interfaceName?: string }>;
}

function clientFor(interfaceId: bigint): GeneratedClient | undefined {
  return $.Registry.lookup(interfaceId) as GeneratedClient | undefined;
}

/** "Host" for "system.capnp:Host"; the hex id when the interface is unknown here. */
export function interfaceName(interfaceId: bigint): string {
  const full = clientFor(interfaceId)?.methods[0]?.interfaceName;
  return full ? full.slice(full.lastIndexOf(':') + 1) : `0x${interfaceId.toString(16)}`;
}

/** "peers" for Host @2; `method2` when the interface is unknown here. */
export function methodName(interfaceId: bigint, methodId: number): string {
  return clientFor(interfaceId)?.methods[methodId]?.methodName ?? `method${methodId}`;
}

/** "Host.peers (@2)". */
export function methodLabel(interfaceId: bigint, methodId: number): string {
  return `${interfaceName(interfaceId)}.${methodName(interfaceId, methodId)} (@${methodId})`;
}

/** `find-providers` and `findProviders` both name Routing.findProviders. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** The ordinal of a method by name (kebab or camel case), or undefined. */
export function methodOrdinal(interfaceId: bigint, name: string): number | undefined {
  const camel = camelCase(name);
  return clientFor(interfaceId)?.methods.find((m) => m.methodName === camel)?.methodId;
}

/** Method names of an interface, kebab-case, in ordinal order. */
export function methodNames(interfaceId: bigint): string[] {
  return (clientFor(interfaceId)?.methods ?? []).map((m) => kebabCase(m.methodName ?? `method${m.methodId}`));
}

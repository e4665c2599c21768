// The capability-signature table against the schemas: it must name the
// same interfaces, ids, methods and ordinals that capnp-es generated from
// schema/*.capnp, carry the doc comments, and spell methods in kebab-case.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  allCapabilityInterfaces, capabilityInterface, capabilityInterfaceById, capabilityInterfaceForBinding,
  capabilityMethod, capabilityMethods, capabilityStruct, methodSignature, kebabCase,
} from '../compile/capabilities.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface GeneratedMethod { interfaceId: bigint; methodId: number; interfaceName: string; methodName: string }
interface GeneratedClient { interfaceId: bigint; methods: GeneratedMethod[] }

async function capnpEsClients(): Promise<Map<string, GeneratedClient>> {
  const out = new Map<string, GeneratedClient>();
  for (const f of readdirSync(join(root, 'schema/generated')).filter((x) => x.endsWith('.ts'))) {
    const mod = await import(join(root, 'schema/generated', f)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(mod)) {
      if (k.endsWith('$Client') && typeof v === 'function') out.set(k.slice(0, -'$Client'.length), v as unknown as GeneratedClient);
    }
  }
  return out;
}

describe('capability-signature table', () => {
  it('Host has id, addrs, peers, network and stateRef, in ordinal order, with docs', () => {
    const host = capabilityInterface('Host')!;
    expect(host).toBeDefined();
    expect(host.binding).toBe('host');
    expect(host.file).toBe('system.capnp');
    expect(host.doc).toMatch(/^This libp2p node/);
    expect(host.methods.map((m) => [m.name, m.ordinal])).toEqual([['id', 0], ['addrs', 1], ['peers', 2], ['network', 3], ['state-ref', 4]]);
    const id = capabilityMethod(host, 'id')!;
    expect(id.params).toEqual([]);
    expect(id.results.map((r) => [r.name, r.schemaName, r.type.text])).toEqual([['peer-id', 'peerId', 'Text']]);
    expect(id.doc).toMatch(/peer id/);
    const network = capabilityMethod(host, ':network')!;
    expect(network.results.map((r) => r.type.text)).toEqual(['StreamListener', 'StreamDialer', 'VatListener', 'VatClient', 'HttpListener']);
    expect(network.results[0]!.type.kind).toBe('Interface');
    expect(capabilityMethod(host, 'peers')!.results[0]!.type).toEqual({
      text: 'List(PeerInfo)', kind: 'List', element: { text: 'PeerInfo', kind: 'Struct', name: 'PeerInfo' },
    });
  });

  it("Routing's findProviders is find-providers with key and sink in schema order", () => {
    const m = capabilityMethod('Routing', 'find-providers')!;
    expect(m.schemaName).toBe('findProviders');
    expect(m.ordinal).toBe(1);
    expect(m.params.map((p) => [p.name, p.type.text, p.type.kind])).toEqual([['key', 'Text', 'Text'], ['sink', 'ProviderSink', 'Interface']]);
    expect(m.results).toEqual([]);
    expect(m.doc).toMatch(/Searches the DHT/);
    expect(methodSignature(m)).toBe('find-providers [key :Text, sink :ProviderSink] -> ()');
    expect(capabilityMethod('Routing', 'findProviders')).toBeUndefined();
  });

  it('kebab-cases parameters, results and bindings', () => {
    expect(capabilityMethod('ByteStream', 'read')!.params[0]!.name).toBe('max-bytes');
    expect(capabilityMethod('Identity', 'public-key')!.results[0]!.name).toBe('public-key');
    expect(capabilityInterfaceForBinding('http-client')!.name).toBe('HttpClient');
    expect(capabilityInterfaceForBinding('ipfs')!.name).toBe('Ipfs');
    expect(kebabCase('findProviders')).toBe('find-providers');
    expect(kebabCase('HttpClient')).toBe('http-client');
    expect(kebabCase('URLPath')).toBe('url-path');
  });

  it('types: Data, UInt64 in structs, Capability, Bool results', () => {
    expect(capabilityMethod('Runtime', 'load')!.params[0]!.type.kind).toBe('Data');
    expect(capabilityMethod('VatListener', 'serve')!.params[0]!.type).toEqual({ text: 'Capability', kind: 'Capability' });
    expect(capabilityMethod('Identity', 'verify')!.params.map((p) => p.name)).toEqual(['public-key', 'domain', 'payload', 'signature']);
    expect(capabilityStruct('Limits')!.fields.map((f) => [f.name, f.type.kind])).toEqual([
      ['wall-clock-ms', 'UInt64'], ['cpu-ms', 'UInt64'], ['memory-bytes', 'UInt64'], ['output-bytes', 'UInt64'],
    ]);
    expect(capabilityStruct('Limits')!.fields[0]!.doc).toMatch(/wall-clock/);
    expect(capabilityStruct('PeerInfo')!.doc).toMatch(/A peer on the network/);
  });

  it('agrees with the capnp-es clients generated from the same schemas: ids, ordinals, method names', async () => {
    const clients = await capnpEsClients();
    const names = allCapabilityInterfaces().map((i) => i.name);
    expect(names.slice().sort()).toEqual([...clients.keys()].sort());
    for (const iface of allCapabilityInterfaces()) {
      const client = clients.get(iface.name)!;
      expect(iface.id, iface.name).toBe(`0x${client.interfaceId.toString(16)}`);
      expect(capabilityInterfaceById(client.interfaceId)).toBe(iface);
      expect(iface.methods.map((m) => [m.schemaName, m.ordinal]), iface.name)
        .toEqual(client.methods.map((m) => [m.methodName, m.methodId]));
      for (const m of iface.methods) {
        expect(m.interfaceId).toBe(iface.id);
        expect(m.name).toBe(kebabCase(m.schemaName));
      }
    }
  });

  it('every interface and method of the schemas has its doc comment', () => {
    for (const iface of allCapabilityInterfaces()) {
      expect(iface.doc, iface.name).not.toBe('');
      for (const m of capabilityMethods(iface)) expect(m.doc, `${iface.name}.${m.schemaName}`).not.toBe('');
    }
  });

  it('lists every interface the .capnp files declare', () => {
    const declared = new Set<string>();
    for (const f of readdirSync(join(root, 'schema')).filter((x) => x.endsWith('.capnp'))) {
      for (const m of readFileSync(join(root, 'schema', f), 'utf8').matchAll(/^interface (\w+)/gm)) declared.add(m[1]!);
    }
    expect(new Set(allCapabilityInterfaces().map((i) => i.name))).toEqual(declared);
  });
});

// (describe cell): what a cell value declares and would be handed, read
// from the component's custom sections; its CID is the runtime's (a
// SHA-256 in plain ECMAScript, checked here against node:crypto).
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { Session } from '../eval/session.js';
import { prStr } from '../values/printer.js';
import { sha256, rawCid } from '../values/sha256.js';
import { customSections } from '../values/wasm-sections.js';

/** A component header and these custom sections (what ww build appends). */
function component(sections: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const out: number[] = [0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0];
  const leb = (n: number) => { const b: number[] = []; do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; b.push(x); } while (n); return b; };
  for (const [name, content] of Object.entries(sections)) {
    const body = [...leb(enc.encode(name).length), ...enc.encode(name), ...enc.encode(content)];
    out.push(0, ...leb(body.length), ...body);
  }
  return new Uint8Array(out);
}

const status = component({
  'ww:grants': '[{"name":"host","methods":["peers","id","addrs"]}]',
  'ww:cell': '{"name":"status","version":"0.1.0","mode":"http"}',
});

async function ev(src: string, capabilities: Record<string, unknown> = {}): Promise<string> {
  return prStr(await new Session({ capabilities: { status, bare: component({}), ...capabilities } }).evalString(src));
}

describe('sha256 and the raw CID', () => {
  it('agree with node:crypto on every padding case', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 65537]) {
      const b = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
      expect(Buffer.from(sha256(b)).toString('hex')).toBe(createHash('sha256').update(b).digest('hex'));
    }
  });

  it('prints CIDv1 raw sha2-256 in base32, as ipfs add --raw-leaves --cid-version 1 does', () => {
    // The empty file's CID, as IPFS publishes it.
    expect(rawCid(new Uint8Array(0))).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
  });
});

describe('(describe cell)', () => {
  it('gives the CID, size, the project ww build recorded, and the declared grants', async () => {
    expect(await ev('(describe (cell status))')).toBe(
      `{:cid "${rawCid(status)}", :size ${status.length}, :name "status", :version "0.1.0", :mode :http, ` +
      ':declares {"host" [:addrs :id :peers]}, :grants {"host" [:addrs :id :peers]}}');
  });

  it('with a grants map, :grants is what the map hands over, attenuation included', async () => {
    expect(await ev('(defcap h :id (fn [] 1) :addrs (fn [] 2) :peers (fn [] 3)) (:grants (describe (cell status {"host" (attenuate h [:id])})))'))
      .toBe('{"host" [:id]}');
  });

  it('a component without the sections says nil; a malformed ww:grants is :invalid', async () => {
    expect(await ev('(let [d (describe (cell bare))] [(:mode d) (:declares d) (:grants d)])')).toBe('[nil nil {}]');
    const odd = component({ 'ww:grants': '{"host": ["id"]}' });
    expect(await ev('(:declares (describe (cell odd)))', { odd })).toBe(':invalid');
  });

  it('describes a capability by interface and methods; anything else is a type-mismatch', async () => {
    expect(await ev('(defcap c :b 1 :a 2) (describe (attenuate c [:a]))')).toBe('{:interface "c", :methods [:a]}');
    await expect(ev('(describe 42)')).rejects.toThrow(/describe expects a cell or a capability, got number/);
  });
});

describe('custom sections', () => {
  it('reads them by name and refuses bytes that are not WebAssembly', () => {
    expect(customSections(status, 'ww:cell')!.length).toBe(1);
    expect(customSections(new Uint8Array([1, 2, 3]), 'ww:cell')).toBeNull();
    // A section whose size runs past the end.
    expect(customSections(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, 50, 1]), 'x')).toBeNull();
  });
});

// The capability reference in doc/capabilities.md covers every interface
// and method of schema/*.capnp with its doc comment: the committed section
// is what scripts/gen-capability-doc.mjs makes from the capability table,
// and the table holds every interface and method the .capnp text declares
// (read here with a plain scan of the text, independent of the compiler).
import { it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './doc-files.js';
import { readInterfaces, renderReference, spliceReference, signature, DOC, TABLE, BEGIN, END } from '../../scripts/gen-capability-doc.mjs';

interface Iface { name: string; methods: { schemaName: string; doc: string }[]; doc: string }
const interfaces: Iface[] = readInterfaces(readFileSync(join(ROOT, TABLE), 'utf8'));
const doc = readFileSync(join(ROOT, DOC), 'utf8');

/** interface name -> method names, from the .capnp text: `interface X {` ... `name @N (`. */
function declaredInSchemas(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of readdirSync(join(ROOT, 'schema')).filter((n) => n.endsWith('.capnp'))) {
    const text = readFileSync(join(ROOT, 'schema', f), 'utf8').replace(/#.*$/gm, '');
    // Each `interface` with the braces it opens; methods are `name @N (` at its own depth.
    const stack: { name: string | null; depth: number }[] = [];
    let depth = 0;
    const re = /\binterface\s+(\w+)[^{]*\{|\{|\}|\b(\w+)\s+@\d+\s*\(/g;
    for (let m; (m = re.exec(text));) {
      if (m[1]) { depth++; stack.push({ name: m[1], depth }); out.set(m[1], []); }
      else if (m[0] === '{') { depth++; stack.push({ name: null, depth }); }
      else if (m[0] === '}') { stack.pop(); depth--; }
      else if (m[2]) {
        const top = stack[stack.length - 1];
        if (top?.name) out.get(top.name)!.push(m[2]);
      }
    }
  }
  return out;
}

it(`${DOC} has the generated reference, as ${TABLE} makes it (node scripts/gen-capability-doc.mjs rewrites it)`, () => {
  expect(doc).toContain(BEGIN);
  expect(doc).toContain(END);
  expect(spliceReference(doc, renderReference(interfaces)) === doc, `${DOC} is stale: run node scripts/gen-capability-doc.mjs`).toBe(true);
});

it('the capability table holds every interface and method the schemas declare, and nothing else', () => {
  const declared = declaredInSchemas();
  const tabled = new Map(interfaces.map((i) => [i.name, i.methods.map((m) => m.schemaName)]));
  expect(Object.fromEntries([...tabled].sort())).toEqual(Object.fromEntries([...declared].sort()));
  const methods = [...declared.values()].reduce((n, ms) => n + ms.length, 0);
  const documented = interfaces.reduce((n, i) => n + i.methods.filter((m) => doc.includes(`\`${signature(m)}\``)).length, 0);
  console.log(`capabilities: ${declared.size} interfaces, ${documented} of ${methods} methods in ${DOC}`);
});

it('every interface and method has a doc comment in its schema', () => {
  const missing = interfaces.flatMap((i) => [...(i.doc ? [] : [i.name]), ...i.methods.filter((m) => !m.doc).map((m) => `${i.name}.${m.schemaName}`)]);
  expect(missing).toEqual([]);
});

it('the reference names StateRef and Host.stateRef', () => {
  const section = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END));
  expect(section).toContain('### StateRef');
  expect(section).toMatch(/`stateRef\(/);
});

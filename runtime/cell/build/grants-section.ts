// Writes the `ww:grants` custom section (doc/cells.md, "Declaring grants")
// onto a component. A custom section may stand anywhere at a component's
// top level, so it is appended: id 0, the section's size, the name, the
// content (UTF-8 JSON: [{"name": "host", "methods": ["id", ...]}]).
export const GRANTS_SECTION = 'ww:grants';

export function withGrantsSection(component: Uint8Array, grants: { name: string; methods: string[] }[]): Uint8Array {
  if (grants.length === 0) return component; // no section: the component declares no grants
  const enc = new TextEncoder();
  const name = enc.encode(GRANTS_SECTION);
  const content = enc.encode(JSON.stringify(grants.map((g) => ({ name: g.name, methods: g.methods }))));
  const body = [...leb128(name.length), ...name, ...content];
  const section = new Uint8Array([0, ...leb128(body.length), ...body]);
  const out = new Uint8Array(component.length + section.length);
  out.set(component);
  out.set(section, component.length);
  return out;
}

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

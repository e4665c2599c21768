// Writes the `ww:grants` custom section (doc/cells.md, "Declaring grants")
// and the `ww:cell` section onto a component. A custom section may stand
// anywhere at a component's top level, so each is appended: id 0, the
// section's size, the name, the content (UTF-8 JSON; for ww:grants
// [{"name": "host", "methods": ["id", ...]}]).
export const GRANTS_SECTION = 'ww:grants';

export function withGrantsSection(component: Uint8Array, grants: { name: string; methods: string[] }[]): Uint8Array {
  if (grants.length === 0) return component; // no section: the component declares no grants
  return withJsonSection(component, GRANTS_SECTION, grants.map((g) => ({ name: g.name, methods: g.methods })));
}

// The `ww:cell` section records the project the component was built from
// ({"name", "version", "mode", "export"?}), so `(describe cell)` can say
// which mode the cell is for. Nothing enforces it: the spawn's mode decides.
export const CELL_SECTION = 'ww:cell';

export function withCellSection(component: Uint8Array, project: { name: string; version: string; mode: string; export?: string }): Uint8Array {
  const { name, version, mode } = project;
  return withJsonSection(component, CELL_SECTION, project.export !== undefined ? { name, version, mode, export: project.export } : { name, version, mode });
}

function withJsonSection(component: Uint8Array, sectionName: string, json: unknown): Uint8Array {
  const enc = new TextEncoder();
  const name = enc.encode(sectionName);
  const content = enc.encode(JSON.stringify(json));
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

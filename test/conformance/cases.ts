// Reads conformance cases: a .glia program with `;; expect:`, `;; error:`
// and `;; stdout:` header lines (see FORMAT.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Case {
  name: string;
  file: string;
  source: string;
  description: string;
  expect?: string;
  error?: string;
  stdout?: string[];
}

export function loadCases(dir: string): Case[] {
  const out: Case[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.glia')) out.push(parseCase(p, relative(dir, p)));
    }
  };
  walk(dir);
  return out;
}

export function parseCase(file: string, name: string): Case {
  const source = readFileSync(file, 'utf8');
  const c: Case = { name, file, source, description: '' };
  for (const line of source.split('\n')) {
    const m = /^;;\s*(case|expect|error|stdout):\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (key === 'case') c.description = value!;
    else if (key === 'expect') c.expect = value!.trim();
    else if (key === 'error') c.error = value!.trim();
    else (c.stdout ??= []).push(value!);
  }
  return c;
}

#!/usr/bin/env node
// `npm run bench -- NAME [args...]` runs dist/bench/NAME.js (built by
// `npm run build`) and passes it the remaining arguments.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);

// Node 20 polyfills must be in place before anything else loads.
const polyfill = new URL('runtime/polyfill.js', dist);
if (existsSync(fileURLToPath(polyfill))) await import(polyfill.href);

const benchDir = new URL('bench/', dist);
const available = existsSync(fileURLToPath(benchDir))
  ? readdirSync(fileURLToPath(benchDir))
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.slice(0, -'.js'.length))
      .sort()
  : [];

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  if (name) console.error(`bench: unknown benchmark "${name}"`);
  console.error(
    available.length > 0
      ? `usage: npm run bench -- NAME [args...]\navailable: ${available.join(', ')}`
      : 'bench: no benchmarks in dist/bench; run `npm run build` first',
  );
  process.exit(name ? 2 : 1);
}

const mod = await import(new URL(`${name}.js`, benchDir).href);
if (typeof mod.main === 'function') {
  const code = await mod.main(args);
  if (typeof code === 'number') process.exitCode = code;
}

// Reader benchmark: `read` on the language-server benchmark's generated
// 1,000-line file (bench/lsp.ts, 35 KB), against peers in the same process
// and run: Chevrotain's lexer alone (the part of `read` that is not the
// parser) and `JSON.parse` of a JSON document of about the same size and
// number of values. They are run in turn, in blocks of eight calls each,
// block after block, so load from other processes falls on all of them
// alike. Forcing a full collection before each call instead slows the
// reader several times over (the young generation shrinks after it), so it
// is not done. The first `read` of the process is timed apart: it builds the
// parser (Chevrotain records the grammar). Run with
// `npm run bench -- read [--blocks=N]`; it prints `bench read key=value ...`
// lines, doc/performance.md records the figures.
import { performance } from 'node:perf_hooks';
import { read } from '../glia/reader/read.js';
import { glialexer } from '../glia/reader/lexer.js';
import { checkSource, CheckWorld } from '../glia/index.js';
import { generateFile } from './lsp.js';
import { median } from './stats.js';

const BLOCK = 8;

function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]!;
}

/** A JSON document shaped like the Glia file: nested arrays of numbers, strings and small objects. */
function jsonPeer(targetChars: number): string {
  const items: unknown[] = [];
  for (let i = 0; JSON.stringify(items).length < targetChars; i++) {
    items.push(['defn', `step-${i}`, `Step ${i} of the pipeline: keeps the items over ${i} and totals them.`,
      ['state', { keys: ['items', 'limit'], or: { limit: i } }],
      ['let', ['xs', ['filter', ['fn', ['%1'], ['>', '%1', i]], 'items'], 'total', ['reduce', '+', 0, 'xs']],
        ['when', ['>', 'total', 'limit'], ['println', 'label', 'over', 'total']],
        ['->', 'state', ['assoc', `step-${i}`, { total: 'total', count: ['count', 'xs'] }], ['update', 'steps', ['fnil', 'conj', []], i]]]]);
  }
  return JSON.stringify(items);
}

export async function main(args: string[] = []): Promise<number> {
  const blocksArg = args.find((a) => a.startsWith('--blocks='));
  const blocks = blocksArg ? Number(blocksArg.slice('--blocks='.length)) : 8;
  const warmup = 2;
  const text = generateFile();
  const json = jsonPeer(text.length);
  const file = '/bench/pipeline.glia';
  const tokens = glialexer.tokenize(text).tokens.length;
  const first0 = performance.now();
  read(text, file);
  const firstRead = performance.now() - first0;

  const block = (into: number[] | null, f: () => unknown): void => {
    for (let k = 0; k < BLOCK; k++) {
      const s = performance.now();
      f();
      into?.push(performance.now() - s);
    }
  };
  const t = { read: [] as number[], lex: [] as number[], json: [] as number[] };
  for (let i = 0; i < warmup + blocks; i++) {
    const keep = i >= warmup;
    block(keep ? t.read : null, () => read(text, file));
    block(keep ? t.lex : null, () => glialexer.tokenize(text));
    block(keep ? t.json : null, () => JSON.parse(json));
  }
  // The checker on the same text: reading is part of it.
  const world = new CheckWorld();
  const check: number[] = [];
  for (let i = 0; i < 5 + 15; i++) {
    const s = performance.now();
    checkSource(text, { file }, world);
    if (i >= 5) check.push(performance.now() - s);
  }

  const f = (x: number) => x.toFixed(2);
  const r = median(t.read);
  console.log(`bench read input chars=${text.length} lines=${text.split('\n').length} tokens=${tokens} json_chars=${json.length} runs=${blocks * BLOCK} (${blocks} blocks of ${BLOCK}) warmup_blocks=${warmup}`);
  console.log(`bench read reader=read median_ms=${f(r)} p90_ms=${f(p90(t.read))} min_ms=${f(Math.min(...t.read))} first_read_ms=${f(firstRead)}`);
  console.log(`bench read peer=lexer-only median_ms=${f(median(t.lex))} share_of_read=${(median(t.lex) / r).toFixed(2)}`);
  console.log(`bench read peer=JSON.parse median_ms=${f(median(t.json))} read_vs_json=${(r / median(t.json)).toFixed(2)} min_read_vs_min_json=${(Math.min(...t.read) / Math.min(...t.json)).toFixed(2)}`);
  console.log(`bench read peer=checkSource median_ms=${f(median(check))} p90_ms=${f(p90(check))} read_share=${(r / median(check)).toFixed(2)}`);
  return 0;
}

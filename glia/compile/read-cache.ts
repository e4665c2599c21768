// Reading a document again after an edit, one top-level chunk at a time
// (glia/analysis/chunks.ts), reusing the forms of every chunk whose text and
// position did not change. Since the reader moved to the Chevrotain grammar,
// reading is about half of a check that reuses its analyses (form-cache.ts),
// so the checker of an open document reads through this.
//
// The forms must be exactly those of reading the whole text, spans included:
//   - a chunk is read at its place, its text preceded by blank space with
//     the same number of characters and lines, so every span is absolute
//     without a change to the reader (neighbouring chunks to read are read
//     together, so an insertion that moves every chunk below it costs one
//     read of those, not one each);
//   - a chunk is reused only where it was read (same offset and line);
//   - when the text is unbalanced, or any chunk has a read diagnostic (the
//     chunker's split then may not be the reader's), or the text is over the
//     reader's limit, the whole text is read at once instead.
import { read } from '../reader/read.js';
import { MAX_SOURCE_CHARS } from '../reader/limits.js';
import { splitTopLevel, isBalanced } from '../analysis/chunks.js';
import type { Diagnostic } from '../diagnostics.js';
import { spanOf } from '../span.js';

export interface Read { forms: any[]; diagnostics: Diagnostic[] }

export class ReadCache {
  private chunks = new Map<string, any[]>();
  /** How many chunks the last read reused and read (for tests and benchmarks). */
  stats = { reused: 0, read: 0 };

  read(source: string, file: string): Read {
    this.stats = { reused: 0, read: 0 };
    if (source.length > MAX_SOURCE_CHARS || !isBalanced(source)) return this.whole(source, file);
    const next = new Map<string, any[]>();
    const forms: any[] = [];
    // Chunks not in the cache are read together, a run of neighbours at a time (an insertion moves every chunk below it).
    let run: Array<{ start: number; end: number; key: string }> = [];
    const flush = (): boolean => {
      if (!run.length) return true;
      const first = run[0]!, last = run[run.length - 1]!;
      const line = lineOf(first.key);
      // Blank space before it: as many characters as the text before the run, its last `line - 1` of them line breaks.
      const r = read(' '.repeat(first.start - (line - 1)) + '\n'.repeat(line - 1) + source.slice(first.start, last.end), file);
      if (r.diagnostics.length) return false;
      this.stats.read += run.length;
      forms.push(...r.forms);
      // Each chunk keeps the forms that start in it; a form without a span cannot be placed, and the run is not kept.
      if (r.forms.every((f) => spanOf(f))) {
        let k = 0;
        for (const c of run) {
          const mine: any[] = [];
          while (k < r.forms.length && spanOf(r.forms[k])!.offset < c.end) mine.push(r.forms[k++]);
          next.set(c.key, mine);
        }
      }
      run = [];
      return true;
    };
    let line = 1;
    let counted = 0;
    for (const c of splitTopLevel(source)) {
      for (let i = source.indexOf('\n', counted); i >= 0 && i < c.start; i = source.indexOf('\n', i + 1)) line++;
      counted = c.start;
      const key = `${c.start}:${line}:${file}\u0000${source.slice(c.start, c.end)}`;
      const got = this.chunks.get(key);
      if (!got) { run.push({ start: c.start, end: c.end, key }); continue; }
      if (!flush()) return this.whole(source, file);
      this.stats.reused++;
      next.set(key, got);
      forms.push(...got);
    }
    if (!flush()) return this.whole(source, file);
    this.chunks = next;
    return { forms, diagnostics: [] };
  }

  private whole(source: string, file: string): Read {
    this.chunks.clear();
    const r = read(source, file);
    return { forms: r.forms, diagnostics: r.diagnostics };
  }
}

/** The line a chunk key starts on (`offset:line:...`). */
function lineOf(key: string): number {
  const a = key.indexOf(':');
  return Number(key.slice(a + 1, key.indexOf(':', a + 1)));
}

// The shell's history file (~/.ww/history by default): one entry per line,
// each a JSON string, so an entry of several lines stays one entry. Every
// shell appends to the same file as it goes, so sessions share it; the file
// is re-read when another session has changed it, and is cut back to the
// newest `cap` entries (10,000) by whichever session finds it over.
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const HISTORY_CAP = 10_000;

export class History {
  private list: string[] = [];
  private stamp = '';

  constructor(readonly path: string, readonly cap = HISTORY_CAP) {
    this.reload();
  }

  /** Oldest first. Re-read when the file changed since it was last read. */
  entries(): readonly string[] {
    if (this.fileStamp() !== this.stamp) this.reload();
    return this.list;
  }

  /** Records an entry (not a blank one, nor a repeat of the newest). Never throws: history is a convenience. */
  add(entry: string): void {
    const text = entry.replace(/\s+$/, '');
    const list = this.entries();
    if (!text.trim() || list[list.length - 1] === text) return;
    this.list = [...list, text];
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, JSON.stringify(text) + '\n', { mode: 0o600 });
      if (this.list.length > this.cap) {
        this.list = this.list.slice(-this.cap);
        const tmp = `${this.path}.${process.pid}.tmp`;
        writeFileSync(tmp, this.list.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600 });
        renameSync(tmp, this.path);
      }
      this.stamp = this.fileStamp();
    } catch { /* a read-only home: the entry stays in memory for this session */ }
  }

  private reload(): void {
    let text = '';
    try { text = readFileSync(this.path, 'utf8'); } catch { /* no history yet */ }
    const out: string[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const v = JSON.parse(line);
        if (typeof v === 'string') out.push(v);
      } catch { out.push(line); /* a line written by hand */ }
    }
    this.list = out.length > this.cap ? out.slice(-this.cap) : out;
    this.stamp = this.fileStamp();
  }

  private fileStamp(): string {
    try { const s = statSync(this.path); return `${s.size}:${s.mtimeMs}`; } catch { return ''; }
  }
}

/** Ctrl-R: the newest entry before `from` (an index into entries) containing `query`, or -1. */
export function searchBack(entries: readonly string[], query: string, from: number): number {
  for (let i = Math.min(from, entries.length) - 1; i >= 0; i--) if (entries[i]!.includes(query)) return i;
  return -1;
}

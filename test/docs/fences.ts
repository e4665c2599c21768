// The fenced code blocks of a Markdown file, as the doc tests see them: a
// line of three or more backticks (indented or not) opens a block, its info
// string is the rest of that line, and the next fence of at least as many
// backticks at the same indentation closes it. The block's lines lose that
// indentation, so a block inside a list item reads like any other.
export interface Fence {
  /** The file, relative to the repository root (`doc/language.md`). */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string split on spaces: `sh runnable` is ['sh', 'runnable']. */
  info: string[];
  /** The lines between the fences, indentation removed. */
  lines: string[];
}

const OPEN = /^( *)(`{3,})(.*)$/;

export function fences(file: string, text: string): Fence[] {
  const out: Fence[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = OPEN.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length, ticks = m[2]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = OPEN.exec(lines[j]!);
      if (close && close[1]!.length === indent && close[2]!.length >= ticks && close[3]!.trim() === '') break;
      const l = lines[j]!;
      body.push(l.slice(Math.min(indent, l.length - l.trimStart().length)));
    }
    out.push({ file, line: i + 1, info: m[3]!.trim().split(/\s+/).filter(Boolean), lines: body });
    i = j;
  }
  return out;
}

// The Glia call stack of an uncaught error, recovered from the JS stack
// trace at no cost to code that does not fail: every compiled unit is
// named (//# sourceURL=glia-unit-N), and the emitter leaves /*@line:col*/
// markers before calls, so a JS frame's position maps to the Glia call in
// flight. Generated function names are g$<glia name>.
import type { Span } from '../span.js';
import type { StackFrame } from '../values/errors.js';

interface UnitInfo { file: string; lines: string[] }

const units = new Map<number, UnitInfo>();
let nextUnit = 0;
/** Only the most recent units are kept, so a long REPL session does not grow without bound. */
const MAX_UNITS = 5000;

export function registerUnit(file: string, source: string): string {
  const id = ++nextUnit;
  units.set(id, { file, lines: source.split('\n') });
  if (units.size > MAX_UNITS) units.delete(units.keys().next().value!);
  return `glia-unit-${id}`;
}

const FRAME = /at (?:(\S+)(?: \[as \S+\])? \()?glia-unit-(\d+):(\d+):(\d+)\)?/;
const MARK = /\/\*@(\d+):(\d+)\*\//g;

/** Glia frames, innermost first, read from a JS stack trace. */
export function gliaFrames(jsStack: string | undefined): StackFrame[] {
  if (!jsStack) return [];
  const frames: StackFrame[] = [];
  for (const line of jsStack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const unit = units.get(Number(m[2]));
    if (!unit) continue;
    // new Function puts two header lines before the body.
    const text = unit.lines[Number(m[3]) - 3];
    const col = Number(m[4]) - 1;
    let span: Span | undefined;
    if (text !== undefined) {
      let best: RegExpExecArray | null = null;
      MARK.lastIndex = 0;
      for (let mm = MARK.exec(text); mm && mm.index <= col; mm = MARK.exec(text)) best = mm;
      if (best) {
        const l = Number(best[1]), c = Number(best[2]);
        span = { file: unit.file, line: l, col: c, endLine: l, endCol: c + 1, offset: 0, endOffset: 0 };
      }
    }
    const raw = m[1] ?? 'top';
    const name = raw.replace(/^.*\./, '').replace(/^g\$/, '').replace(/\$\d+$/, '') || 'top';
    frames.push({ name: name === 'top' ? '<top level>' : name, span });
  }
  return compress(frames);
}

/** Folds runs of identical frames (deep recursion) into one plus a count. */
function compress(frames: StackFrame[]): StackFrame[] {
  const out: StackFrame[] = [];
  for (let i = 0; i < frames.length;) {
    let j = i + 1;
    const same = (a: StackFrame, b: StackFrame) => a.name === b.name && a.span?.line === b.span?.line && a.span?.col === b.span?.col;
    while (j < frames.length && same(frames[i]!, frames[j]!)) j++;
    out.push(j - i > 1 ? { ...frames[i]!, name: `${frames[i]!.name} (repeated ${j - i} times)` } : frames[i]!);
    i = j;
  }
  return out.slice(0, 30);
}

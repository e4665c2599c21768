// The text of an inline result: one line, short enough to sit after the
// code. The hover shows the whole value.

/** Longest result shown inline. */
const MAX_INLINE = 160;

export function oneLine(s: string): string {
  const flat = s.replace(/\s*\n\s*/g, ' ');
  return flat.length > MAX_INLINE ? flat.slice(0, MAX_INLINE - 1) + '…' : flat;
}

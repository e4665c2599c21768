// Raw terminal input -> key events, for the shell's editor. The app reads
// stdin itself instead of Ink's useInput, which cannot tell Backspace from
// Delete (both arrive as `delete`) and splits a paste at its newlines. With
// bracketed paste on (ESC[?2004h), a paste arrives whole between ESC[200~
// and ESC[201~ and is inserted as text: its newlines never submit.

export type Key =
  | { name: 'text'; text: string }
  | { name: 'paste'; text: string }
  | { name: 'enter' | 'newline' | 'tab' | 'backtab' | 'backspace' | 'delete' | 'escape'
      | 'up' | 'down' | 'left' | 'right' | 'home' | 'end' | 'pageup' | 'pagedown'
      | 'word-left' | 'word-right' | 'delete-word-left' | 'delete-word-right' }
  /** Ctrl with a letter: `ctrl` is the letter, lower case. */
  | { name: 'ctrl'; ctrl: string };

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/** CSI and SS3 sequences the editor understands (xterm, VT100 and rxvt spellings). */
const SEQUENCES: Record<string, Key['name']> = {
  '[A': 'up', '[B': 'down', '[C': 'right', '[D': 'left', 'OA': 'up', 'OB': 'down', 'OC': 'right', 'OD': 'left',
  '[H': 'home', '[F': 'end', 'OH': 'home', 'OF': 'end', '[1~': 'home', '[4~': 'end', '[7~': 'home', '[8~': 'end',
  '[3~': 'delete', '[5~': 'pageup', '[6~': 'pagedown', '[Z': 'backtab',
  '[1;5C': 'word-right', '[1;5D': 'word-left', '[1;3C': 'word-right', '[1;3D': 'word-left',
  '[1;5A': 'up', '[1;5B': 'down', '[1;2A': 'up', '[1;2B': 'down',
};

/**
 * Splits one chunk of input into keys. `pending` carries a paste that has
 * not ended yet from one chunk to the next (a large paste comes in pieces).
 */
export class KeyReader {
  private paste: string | null = null;

  read(chunk: string): Key[] {
    const keys: Key[] = [];
    let i = 0;
    let text = '';
    const flush = () => { if (text) { keys.push({ name: 'text', text }); text = ''; } };
    while (i < chunk.length) {
      if (this.paste !== null) {
        const end = chunk.indexOf(PASTE_END, i);
        if (end < 0) { this.paste += chunk.slice(i); return keys; }
        this.paste += chunk.slice(i, end);
        keys.push({ name: 'paste', text: this.paste.replace(/\r\n?/g, '\n') });
        this.paste = null;
        i = end + PASTE_END.length;
        continue;
      }
      const c = chunk[i]!;
      const code = c.charCodeAt(0);
      if (c === '\x1b') {
        flush();
        if (chunk.startsWith(PASTE_START, i)) { this.paste = ''; i += PASTE_START.length; continue; }
        const next = chunk[i + 1];
        if (next === '[' || next === 'O') {
          // CSI: parameters and intermediates, then one final byte (0x40-0x7e).
          let j = i + 2;
          if (next === '[') while (j < chunk.length && /[0-9;?<=>]/.test(chunk[j]!)) j++;
          const seq = chunk.slice(i + 1, j + 1);
          const name = SEQUENCES[seq];
          if (name) keys.push({ name } as Key);
          i = j + 1;
          continue;
        }
        if (next === undefined || next === '\x1b') { keys.push({ name: 'escape' }); i += 1; continue; }
        // Alt (Meta) with a key: ESC then the key.
        i += 2;
        if (next === '\r' || next === '\n') keys.push({ name: 'newline' });
        else if (next === 'b' || next === 'B') keys.push({ name: 'word-left' });
        else if (next === 'f' || next === 'F') keys.push({ name: 'word-right' });
        else if (next === 'd' || next === 'D') keys.push({ name: 'delete-word-right' });
        else if (next === '\x7f' || next === '\b') keys.push({ name: 'delete-word-left' });
        continue;
      }
      if (c === '\r') { flush(); keys.push({ name: 'enter' }); i += chunk[i + 1] === '\n' ? 2 : 1; continue; }
      if (c === '\n') { flush(); keys.push({ name: 'newline' }); i++; continue; }
      if (c === '\t') { flush(); keys.push({ name: 'tab' }); i++; continue; }
      if (c === '\x7f' || c === '\b') { flush(); keys.push({ name: 'backspace' }); i++; continue; }
      if (code < 0x20) {
        flush();
        keys.push({ name: 'ctrl', ctrl: String.fromCharCode(code + 0x60) });
        i++;
        continue;
      }
      text += c;
      i++;
    }
    flush();
    return keys;
  }
}

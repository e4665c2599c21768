// The terminal app of `ww shell` (doc/shell.md, "The terminal app"): the
// command starts it when stdin is a terminal, with a Session (local, or
// bound to a node's capabilities). Ink and React load here, on demand, so
// `ww eval` and the plain line mode never load them.
import type { Session } from '../session/session.js';

export interface ShellAppOptions {
  /** The history file, shared by every shell (`~/.ww/history`). */
  historyPath: string;
  /** The terminal; process.stdin and process.stdout by default. */
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

let loading: Promise<typeof import('./ui.js')> | null = null;

/**
 * Starts loading Ink, React and the app (about half a second on a busy
 * machine) without waiting: a caller that knows it will run the app calls
 * this first, so the load overlaps whatever it does before (opening the
 * session). runShellApp uses the same load.
 */
export function preloadShellApp(): Promise<unknown> {
  if (!loading) {
    // React's development build (its default without NODE_ENV) checks and
    // warns on every render, which costs more than the render itself here.
    process.env.NODE_ENV ??= 'production';
    // Ink draws only a final frame when it believes it runs under CI (it
    // reads CI and CONTINUOUS_INTEGRATION once, as it loads). This app runs
    // only on a terminal, where a person is typing, so they are hidden
    // while Ink loads and put back at once.
    const saved: Record<string, string | undefined> = {};
    for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) { saved[k] = process.env[k]; delete process.env[k]; }
    const restore = () => { for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v; };
    loading = import('./ui.js');
    // The module's top level (Ink's included) runs before the import settles; restore once it has.
    loading.then(restore, restore);
  }
  return loading;
}

/** Runs the app until Ctrl-D on an empty line (0) or `(perform :exit n)` (n); resolves to the exit status. */
export async function runShellApp(session: Session, opts: ShellAppOptions): Promise<number> {
  await preloadShellApp();
  return (await loading!).run(session, opts);
}

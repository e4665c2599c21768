// Whether a stream gets colour:
//   NO_COLOR set and not empty -> never (https://no-color.org);
//   else FORCE_COLOR set -> always, unless it is 0 or false;
//   else only when the stream is a terminal and TERM is not dumb.
// So pipes, files, CI logs and tests get plain text. A file of its own,
// importing nothing, because bin/ww.js decides `ww --help`'s colour with it
// before loading anything else (doc/performance.md, start-up).

export function colourWanted(stream: { isTTY?: boolean } | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream?.isTTY === true && env.TERM !== 'dumb';
}

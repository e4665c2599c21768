#!/usr/bin/env -S node --stack-size=3800
// The `ww` command. A larger V8 stack (the OS gives the main thread 8 MiB)
// lets pure Glia code recurse well past 10,000 frames. The shebang asks for
// it, but `node bin/ww.js` ignores the shebang: then the command starts
// itself again with the flag (one more Node start, in that case only), so
// both ways of running it have the same limits. Windows gives the main
// thread 1 MiB, so there the default stack stays (as in the VS Code client).
// The polyfill must load before any other module of ours, so everything
// else is imported dynamically (node:child_process too: it loads Node's
// streams and sockets, a fifth of `ww --help`'s time, and only the
// re-execution needs it); `ww --help` alone loads none of it (quickHelp).
// dist/runtime/cli/main.js is a bundle
// (scripts/bundle.mjs) when `npm run build` made it.

const STACK_FLAG = '--stack-size=3800';
const hasStackFlag = process.execArgv.some((a) => a.startsWith('--stack-size'));
const argv = process.argv.slice(2);

/**
 * `ww --help` from the text the build wrote beside the command
 * (scripts/bundle.mjs: main-help.js), coloured by the command's own rule,
 * written straight to fd 1: no polyfill, no command, no re-execution and no
 * stdout stream (the target is 150 ms, most of it Node's own start). False
 * when there is no such text (a bare tsc build): the command prints it.
 */
async function quickHelp() {
  let text;
  try {
    const [{ PLAIN, COLOUR }, { colourWanted }, { isatty }] = await Promise.all([
      import('../dist/runtime/cli/main-help.js'), import('../dist/runtime/cli/colour-wanted.js'), import('node:tty'),
    ]);
    text = colourWanted({ isTTY: isatty(1) }) ? COLOUR : PLAIN;
  } catch {
    return false;
  }
  const { writeSync } = await import('node:fs');
  try { writeSync(1, text); } catch { /* a closed pipe (ww --help | head -0) is not an error */ }
  return true;
}

if (argv.length === 1 && ['--help', '-h', 'help'].includes(argv[0]) && await quickHelp()) {
  process.exitCode = 0;
} else if (!hasStackFlag && process.platform !== 'win32' && process.env.WW_STACK_REEXEC !== '1') {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [STACK_FLAG, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, WW_STACK_REEXEC: '1' },
  });
  // A terminal's Ctrl-C reaches the child itself (same process group);
  // signals sent to this process alone are passed on.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => { if (!(sig === 'SIGINT' && process.stdin.isTTY)) child.kill(sig); });
  }
  child.on('error', (e) => { process.stderr.write(`error[io]: cannot start ${process.execPath}: ${e.message}\n`); process.exit(1); });
  child.on('exit', (code, signal) => {
    if (signal) { process.removeAllListeners(signal); process.kill(process.pid, signal); } else process.exit(code ?? 1);
  });
} else {
  await import('../dist/runtime/polyfill.js');
  const { main } = await import('../dist/runtime/cli/main.js');
  process.exitCode = await main(argv);
}

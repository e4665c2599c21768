// `ww --help` is printed by bin/ww.js from the text the build wrote
// (dist/runtime/cli/main-help.js), without loading the command. It must be
// exactly what the command itself prints, plain and coloured, whichever
// way the bin is started. (The terminal case is in cli-colour-pty.test.ts.)
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, assertBuilt } from './ww-process.js';
import { main } from '../cli/main.js';

function viaBin(args: string[], env: Record<string, string>, nodeFlags = ['--stack-size=3800']) {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.NODE_OPTIONS; delete e.NO_COLOR; delete e.FORCE_COLOR;
  Object.assign(e, env);
  const r = spawnSync(process.execPath, [...nodeFlags, BIN, ...args], { cwd: ROOT, env: e, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function viaCommand(colour: boolean): Promise<string> {
  let out = '';
  const code = await main(['--help'], { out: (t) => { out += t; }, err: () => {}, colour: { out: colour, err: colour } });
  expect(code).toBe(0);
  return out;
}

describe('ww --help from the built text', () => {
  it('is the command\'s own help, plain when piped and coloured with FORCE_COLOR', async () => {
    assertBuilt();
    const plain = await viaCommand(false);
    const coloured = await viaCommand(true);
    expect(coloured).not.toBe(plain);
    for (const flag of ['--help', '-h', 'help']) {
      expect(viaBin([flag], { NO_COLOR: '1' })).toEqual({ code: 0, out: plain, err: '' });
      expect(viaBin([flag], {})).toEqual({ code: 0, out: plain, err: '' });
      expect(viaBin([flag], { FORCE_COLOR: '1' })).toEqual({ code: 0, out: coloured, err: '' });
    }
    // `node bin/ww.js --help`, without the stack flag, prints it too (no re-execution needed).
    expect(viaBin(['--help'], { FORCE_COLOR: '1' }, [])).toEqual({ code: 0, out: coloured, err: '' });
  });

  it('anything after --help goes to the command as before', () => {
    const r = viaBin(['--help', 'eval'], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: ww <command>');
    const e = viaBin(['eval', '--help'], { NO_COLOR: '1' });
    expect(e.out).toMatch(/^Usage: ww eval/);
  });
});

// Every ```sh runnable block in README.md and doc/*.md, run command by
// command against a temporary HOME with `ww` being this checkout's bin
// (dist/, as the CLI tests run it): each command's exit status, and its
// output where the block shows it. Conventions in test/docs/README.md.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docFences, ROOT } from './doc-files.js';
import { isSh, isRunnable, shCommands, outputMatches, blockEnv, writeFiles, runSh } from './sh-blocks.js';

const fenceList = docFences();
const sh = fenceList.filter(isSh);
const runnable = sh.filter(isRunnable);
console.log(`sh blocks: ${runnable.length} runnable (${runnable.reduce((n, f) => n + shCommands(f).length, 0)} commands), ${sh.length - runnable.length} shown only`);

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

it('the docs have runnable sh blocks', () => {
  expect(runnable.length).toBeGreaterThan(0);
});

for (const block of runnable) {
  describe(`${block.file}:${block.line}`, () => {
    const commands = shCommands(block);
    let dir: string | undefined;
    it('has commands', () => { expect(commands.length).toBeGreaterThan(0); });
    for (const c of commands) {
      it(`${block.file}:${c.line}  ${c.command.slice(0, 70)}`, async () => {
        if (!dir) {
          dir = mkdtempSync(join(tmpdir(), 'ww-doc-sh-'));
          dirs.push(dir);
          writeFiles(dir, fenceList.filter((f) => f.file === block.file && f.info.some((w) => w.startsWith('file='))));
        }
        const r = await runSh(c.command, dir, blockEnv(dir), join(ROOT, 'bin', 'ww.js'), 60_000);
        const shown = `${block.file}:${c.line}: $ ${c.command}\nexit ${r.status}${r.timedOut ? ' (killed after 60 s)' : ''}\n${r.output}`;
        expect(r.status, shown).toBe(c.status);
        if (c.output) expect(outputMatches(c.output, r.output === '' ? [] : r.output.replace(/\n$/, '').split('\n')), `${shown}\n--- documented\n${c.output.join('\n')}`).toBe(true);
      }, 90_000);
    }
  });
}

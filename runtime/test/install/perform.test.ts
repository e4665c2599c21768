// `ww perform install | uninstall` as a user runs them, with HOME in a
// temporary folder. The real `claude` (Claude Code) and `systemctl` cannot
// run here — there is no Claude Code install and no user systemd instance
// in this sandbox, and a test must not touch the real ones — so fakes
// stand first on PATH: small shell scripts that append their name and
// arguments to a file, which the test then reads.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, BIN, assertBuilt } from '../ww-process.js';

const root = mkdtempSync(join(tmpdir(), 'ww-install-'));
const home = join(root, 'home');
const fakes = join(root, 'fakes');
const onlySystemctl = join(root, 'fakes-no-claude');
const calls = join(root, 'calls.log');
const ww = join(home, '.ww');
const unit = join(home, '.config', 'systemd', 'user', 'ww.service');

function fake(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\necho "${name} $*" >> "${calls}"\nexit 0\n`);
  chmodSync(p, 0o755);
}

beforeAll(() => {
  mkdirSync(home, { recursive: true });
  fake(fakes, 'claude');
  fake(fakes, 'systemctl');
  fake(onlySystemctl, 'systemctl');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `ww ARGS` with stdin not a terminal; returns the status lines by step. */
function perform(args: string[], pathFirst = fakes) {
  assertBuilt();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PATH: `${pathFirst}:${process.env.PATH}`, NO_COLOR: '1' };
  delete env.XDG_CONFIG_HOME; delete env.WW_IDENTITY; delete env.NODE_OPTIONS;
  if (pathFirst !== fakes) env.PATH = `${pathFirst}:/usr/bin:/bin`;
  const r = spawnSync(process.execPath, ['--stack-size=3800', BIN, ...args], { env, cwd: ROOT, encoding: 'utf8', timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe'], input: '' });
  const steps = new Map<string, { status: string; detail: string }>();
  for (const l of r.stdout.split('\n')) {
    const m = /^(done|already there|skipped|failed)\s+(\S+(?: \S+)?)\s{2,}(.*)$/.exec(l);
    if (m) steps.set(m[2]!.trim(), { status: m[1]!, detail: m[3]! });
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, steps };
}

const callLog = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : []);

describe('ww perform install', () => {
  it('sets up ~/.ww, an identity, the status script, a systemd user unit and Claude Code', () => {
    const r = perform(['perform', 'install']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const f of ['bin', 'etc/init.d', 'etc/ns', 'logs', 'ipfs']) expect(statSync(join(ww, f)).isDirectory(), f).toBe(true);
    expect(r.steps.get('folders')?.status).toBe('done');
    expect(r.steps.get('identity')).toMatchObject({ status: 'done', detail: expect.stringMatching(/~\/\.ww\/identity: 12D3KooW\w+ \(new, mode 0600\)/) });
    expect(statSync(join(ww, 'identity')).mode & 0o777).toBe(0o600);
    // The status script is the std image's, byte for byte.
    expect(readFileSync(join(ww, 'etc', 'init.d', '05-status.glia'), 'utf8'))
      .toBe(readFileSync(join(ROOT, 'std', 'image', 'etc', 'init.d', '05-status.glia'), 'utf8'));
    expect(r.steps.get('status script')?.status).toBe('done');
    const text = readFileSync(unit, 'utf8');
    expect(text).toContain(`ExecStart=${process.execPath} --stack-size=3800 ${BIN} run ${ww}\n`);
    expect(text).toContain('WantedBy=default.target');
    expect(r.steps.get('service')?.status).toBe('done');
    expect(r.stdout).toContain('enable it with: systemctl --user daemon-reload && systemctl --user enable --now ww.service');
    expect(r.steps.get('mcp')?.status).toBe('done');
    // An earlier entry is removed first, then the server is added with the absolute ww.
    expect(callLog()).toEqual([
      'claude mcp remove --scope user wetware',
      `claude mcp add --scope user wetware -- ${BIN} mcp`,
    ]);
  });

  it('is safe to run again: everything already there, the identity unchanged, the MCP entry replaced, not doubled', () => {
    const id = readFileSync(join(ww, 'identity'), 'utf8');
    writeFileSync(calls, '');
    const r = perform(['perform', 'install']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const step of ['folders', 'identity', 'status script', 'service']) expect(r.steps.get(step)?.status, step).toBe('already there');
    expect(readFileSync(join(ww, 'identity'), 'utf8')).toBe(id);
    expect(callLog()).toEqual(['claude mcp remove --scope user wetware', `claude mcp add --scope user wetware -- ${BIN} mcp`]);
  });

  it('without claude on PATH, prints the command and the JSON for other MCP clients', () => {
    writeFileSync(calls, '');
    const r = perform(['perform', 'install'], onlySystemctl);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.steps.get('mcp')).toMatchObject({ status: 'skipped', detail: 'claude (Claude Code) is not on PATH' });
    expect(r.stdout).toContain(`to wire it later: claude mcp add --scope user wetware -- ${BIN} mcp`);
    const tail = r.stdout.slice(r.stdout.indexOf('other MCP clients'));
    const json = tail.slice(tail.indexOf('{'), tail.lastIndexOf('}') + 1);
    expect(JSON.parse(json)).toEqual({ mcpServers: { wetware: { command: BIN, args: ['mcp'] } } });
    expect(callLog()).toEqual([]);
  });

  it('ww doctor reports the install state', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PATH: `${fakes}:${process.env.PATH}`, NO_COLOR: '1', WW_HOST_STATE_PATH: join(root, 'none.json') };
    delete env.XDG_CONFIG_HOME; delete env.NODE_OPTIONS;
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--swarm-port', '0', '--http-listen', 'off'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/^ok\s+install\s+~\/\.ww is set up/m);
    expect(r.stdout).toMatch(/^ok\s+service\s+~\/\.config\/systemd\/user\/ww\.service is installed/m);
    expect(r.stdout).toMatch(/^ok\s+mcp\s+Claude Code has the 'wetware' MCP server/m);
  });
});

describe('ww perform uninstall', () => {
  it('stops and removes the unit and the MCP entry, and without --yes or a terminal keeps ~/.ww and the identity', () => {
    const id = readFileSync(join(ww, 'identity'), 'utf8');
    writeFileSync(calls, '');
    const r = perform(['perform', 'uninstall']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.steps.get('service')?.status).toBe('done');
    expect(existsSync(unit)).toBe(false);
    expect(r.steps.get('mcp')?.status).toBe('done');
    expect(callLog()).toEqual([
      'systemctl --user disable --now ww.service',
      'systemctl --user daemon-reload',
      'claude mcp remove --scope user wetware',
    ]);
    expect(r.steps.get('folder')).toMatchObject({ status: 'skipped', detail: expect.stringContaining('pass --yes to delete it') });
    expect(readFileSync(join(ww, 'identity'), 'utf8')).toBe(id);
  });

  it('with --yes deletes ~/.ww; a second uninstall finds nothing to do', () => {
    const r = perform(['perform', 'uninstall', '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.steps.get('service')).toMatchObject({ status: 'skipped', detail: expect.stringContaining('not installed') });
    expect(r.steps.get('folder')?.status).toBe('done');
    expect(existsSync(ww)).toBe(false);
    const again = perform(['perform', 'uninstall', '--yes']);
    expect(again.code).toBe(0);
    expect(again.steps.get('folder')).toMatchObject({ status: 'skipped', detail: '~/.ww is not there' });
  });

  it('refuses a wrong action with a usage error', () => {
    const r = perform(['perform', 'reinstall']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[usage\]: ww perform does install or uninstall, not "reinstall"\nrun 'ww perform --help' for usage\n$/);
  });
});

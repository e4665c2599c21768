// The user service that keeps a node running: a systemd user unit on
// Linux, a launchd agent on macOS, each running `ww run ~/.ww` with the
// Node.js and the ww that installed it (a service starts with almost no
// PATH, so both are absolute). Install writes the file and prints the
// command that enables it; it does not start a node behind the user's
// back. Uninstall stops it and removes the file.
import type { Layout } from './layout.js';
import { LAUNCHD_LABEL, SERVICE_NAME } from './layout.js';
import { join } from 'node:path';

/** The argv of the service: node, the stack flag bin/ww.js would add itself, ww.js, run ~/.ww. */
export function serviceArgv(l: Layout): string[] {
  return [l.node, '--stack-size=3800', l.ww, 'run', l.home];
}

/** systemd quoting: a word with spaces, quotes or backslashes goes in double quotes, escaped. */
function systemdWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The service file's text for this layout. */
export function serviceText(l: Layout): string {
  const log = join(l.home, 'logs', 'ww.log');
  if (l.service?.kind === 'launchd') {
    return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by ww perform install: runs a Wetware node from ~/.ww. ww perform uninstall removes it. -->
<plist version="1.0">
<dict>
  <key>Label</key><string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${serviceArgv(l).map((a) => `    <string>${xml(a)}</string>`).join('\n')}
  </array>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
  <key>StandardOutPath</key><string>${xml(log)}</string>
  <key>StandardErrorPath</key><string>${xml(log)}</string>
</dict>
</plist>
`;
  }
  return `# Written by ww perform install: runs a Wetware node from ~/.ww.
# ww perform uninstall stops and removes it.
[Unit]
Description=Wetware node (ww run ~/.ww)
After=network-online.target

[Service]
ExecStart=${serviceArgv(l).map(systemdWord).join(' ')}
Restart=on-failure
RestartSec=5
StandardOutput=append:${log}
StandardError=append:${log}

[Install]
WantedBy=default.target
`;
}

/** What the user runs to enable and start the service (install prints it). */
export function enableCommand(l: Layout): string {
  if (l.service?.kind === 'launchd') return `launchctl bootstrap gui/$(id -u) ${l.service.path}`;
  return `systemctl --user daemon-reload && systemctl --user enable --now ${SERVICE_NAME}`;
}

/** The commands uninstall runs, in order: stop and disable before the file goes, reload after. */
export function stopCommands(l: Layout, uid: number): { before: string[][]; after: string[][] } {
  if (l.service?.kind === 'launchd') return { before: [['launchctl', 'bootout', `gui/${uid}/${LAUNCHD_LABEL}`]], after: [] };
  return { before: [['systemctl', '--user', 'disable', '--now', SERVICE_NAME]], after: [['systemctl', '--user', 'daemon-reload']] };
}

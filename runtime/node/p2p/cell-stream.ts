// One inbound libp2p stream wired to a raw-mode cell's stdio
// (StreamListener): what arrives goes to the cell's stdin and the end of
// it closes stdin; what the cell writes to stdout goes out, and the end
// of stdout closes our writing side. Each direction waits for the other
// side to keep up. When the cell ends the stream is closed; when the
// stream fails, the cell is killed. stderr is drained and discarded.
import type { Stream } from '@libp2p/interface';
import type { CellProcess } from '../../cell/process.js';
import { bytesOf, endStream } from './stream-bytes.js';

export function pipeCellToStream(proc: CellProcess, stream: Stream): void {
  stream.addEventListener('message', (e) => {
    if (!proc.stdin.write(bytesOf(e.data))) {
      stream.pause();
      proc.stdin.once('drain', () => { if (stream.readStatus === 'paused') stream.resume(); });
    }
  });
  stream.addEventListener('remoteCloseWrite', () => proc.stdin.end());
  stream.addEventListener('close', (e) => { if (e.error) proc.kill(`its stream failed: ${e.error.message}`); else proc.stdin.end(); });

  proc.stdout.on('data', (chunk: Buffer) => {
    if (stream.writeStatus !== 'writable') return;
    try {
      if (!stream.send(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
        proc.stdout.pause();
        stream.onDrain().then(() => proc.stdout.resume(), () => proc.kill('its stream closed'));
      }
    } catch { proc.kill('its stream closed'); }
  });
  proc.stdout.on('end', () => { if (stream.writeStatus === 'writable') void stream.close().catch(() => {}); });
  proc.stderr.resume();
  void proc.result().then(() => endStream(stream));
}

// CPU time of one thread, from /proc/self/task/<tid>/stat (utime + stime,
// in clock ticks). Node 20 has no per-thread CPU clock for a worker
// (process.threadCpuUsage came in Node 23), and the worker itself cannot
// be asked while a cell spins in it, so the node reads the kernel's count.
// Off Linux this returns null and only the wall-clock budget applies.
import { readFileSync } from 'node:fs';

/** USER_HZ: fixed at 100 on Linux for every architecture Node supports. */
const TICKS_PER_SECOND = 100;

export function threadCpuMs(tid: number): number | null {
  let stat: string;
  try { stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1'); } catch { return null; }
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 14 (utime) and 15 (stime) of stat(5) are at 11 and 12 once pid and comm are gone.
  const utime = Number(fields[11]), stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

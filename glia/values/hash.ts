// String hashing compatible in spirit with Immutable's (31-based, int32).
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (31 * h + s.charCodeAt(i)) | 0;
  return h;
}

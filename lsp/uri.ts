// file: URIs and paths. Editors spell the same file differently (percent
// escapes, drive-letter case), so URIs are compared in one canonical form.
import { fileURLToPath, pathToFileURL } from 'node:url';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return fileURLToPath(uri); } catch { return undefined; }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The canonical spelling of a URI: file: URIs round-trip through their path, others stay as they are. */
export function canonicalUri(uri: string): string {
  const path = uriToPath(uri);
  return path === undefined ? uri : pathToUri(path);
}

// The host that resumable code falls back to when entered from plain JS.
import { NOT_HANDLED, type Host } from '../eval/driver.js';
export const fallbackHostRef: { host: Host } = { host: { perform: () => NOT_HANDLED } };

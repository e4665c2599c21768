// Types for the WASI 0.2.12 imports a Glia cell uses, as componentize-js
// presents them to JS (jco's WIT-to-JS naming). Only what cell.ts calls.
declare module 'wasi:cli/environment@0.2.12' {
  export function getEnvironment(): [string, string][];
  export function getArguments(): string[];
}
declare module 'wasi:cli/stdin@0.2.12' {
  export function getStdin(): { blockingRead(len: bigint): Uint8Array };
}
declare module 'wasi:cli/stdout@0.2.12' {
  export function getStdout(): { blockingWriteAndFlush(bytes: Uint8Array): void };
}
declare module 'wasi:cli/stderr@0.2.12' {
  export function getStderr(): { blockingWriteAndFlush(bytes: Uint8Array): void };
}
declare module 'wasi:cli/exit@0.2.12' {
  export function exitWithCode(code: number): void;
}
// The cell's membrane channel (runtime/cell/wit/membrane.wit).
declare module 'ww:cell/membrane@0.1.0' {
  export function read(max: number): Uint8Array;
  export function write(bytes: Uint8Array): void;
}

// A stand-in for vscode-extension/src/language-client.ts (vscode-languageclient), which loads only inside VS
// Code (it requires the `vscode` module at its top). It records how the
// extension asks for the server to be started. The bundled server itself
// is started for real, over stdio, by vsix.test.ts.

export enum TransportKind { stdio = 0, ipc = 1, pipe = 2, socket = 3 }

export class LanguageClient {
  static readonly created: LanguageClient[] = [];
  /** Set to make the next start() fail, as when `ww` is not on PATH. */
  static failNextStart: Error | undefined;
  started = false;
  stopped = false;
  constructor(readonly id: string, readonly name: string, readonly serverOptions: any, readonly clientOptions: any) {
    LanguageClient.created.push(this);
  }
  async start(): Promise<void> {
    const e = LanguageClient.failNextStart;
    LanguageClient.failNextStart = undefined;
    if (e) throw e;
    this.started = true;
  }
  async stop(): Promise<void> { this.stopped = true; }
}

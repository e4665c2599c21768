// vscode-languageclient, behind one module of our own: the library loads
// only inside VS Code (it requires `vscode` at its top), so the activation
// test replaces this module with a recording fake.
export { LanguageClient, TransportKind } from 'vscode-languageclient/node';
export type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

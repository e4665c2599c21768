// The MCP resources: what a model reads before it writes Glia. The
// language reference (doc/language.md) and each capability schema
// (schema/*.capnp, whose doc comments are the capabilities' documentation),
// read from the package's own files on every request.
import { readFileSync } from 'node:fs';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { languageReferencePath, schemaFiles } from './reference-files.js';

export const LANGUAGE_URI = 'wetware://doc/language.md';
export const schemaUri = (name: string) => `wetware://schema/${name}`;

export function registerResources(server: McpServer): void {
  server.registerResource('glia-language', LANGUAGE_URI, {
    title: 'Glia language reference',
    description: 'The reference for Glia, the language the eval tool runs: syntax, special forms, effects, capabilities, the core functions (§12) and the effect checker (§13). Read it before writing Glia.',
    mimeType: 'text/markdown',
  }, async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: readFileSync(languageReferencePath(), 'utf8') }] }));

  for (const { name, path } of schemaFiles()) {
    server.registerResource(`schema-${name.replace(/\.capnp$/, '')}`, schemaUri(name), {
      title: `Capability schema ${name}`,
      description: `Cap'n Proto schema ${name}: capability interfaces, their methods and doc comments. Glia calls a method as (perform CAP :kebab-case-method args...).`,
      mimeType: 'text/plain',
    }, async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: readFileSync(path, 'utf8') }] }));
  }
}

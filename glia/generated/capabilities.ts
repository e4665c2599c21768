// GENERATED from schema/*.capnp by scripts/gen-capsig.mjs (capnp compile -o-). Do not edit.
// Regenerate with `npm run gen:schema` (needs the capnp compiler); `npm run gen:check` checks it.
// digests: inputs schema/*.capnp 7f5e996c0af564ca, body 7cb2d5466e3d2fa1
// Read it through glia/compile/capabilities.ts.
import type { CapabilityInterface, CapabilityStruct } from '../compile/capabilities.js';

export const CAPABILITY_INTERFACES: readonly CapabilityInterface[] = [
 {
  "name": "ByteStream",
  "binding": "byte-stream",
  "id": "0xad0814a00f2b0bc9",
  "file": "system.capnp",
  "doc": "One end of a byte stream: a cell's stdio, or a libp2p stream. Each\nstream allows reading, writing or both, as the method that returned it\nsays; the other direction fails.",
  "superclasses": [],
  "methods": [
   {
    "name": "read",
    "schemaName": "read",
    "ordinal": 0,
    "interfaceName": "ByteStream",
    "interfaceId": "0xad0814a00f2b0bc9",
    "doc": "Waits for data and returns between 1 and `maxBytes` bytes of it. `eof`\nis true when no data will follow what is returned (which may then be\nempty). `maxBytes` above the node's frame limit is lowered to it.",
    "params": [
     {
      "name": "max-bytes",
      "schemaName": "maxBytes",
      "ordinal": 0,
      "type": {
       "text": "UInt32",
       "kind": "UInt32"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "data",
      "schemaName": "data",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     },
     {
      "name": "eof",
      "schemaName": "eof",
      "ordinal": 1,
      "type": {
       "text": "Bool",
       "kind": "Bool"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "write",
    "schemaName": "write",
    "ordinal": 1,
    "interfaceName": "ByteStream",
    "interfaceId": "0xad0814a00f2b0bc9",
    "doc": "Writes all of `data`. Returns once the stream has taken it, so a slow\nreader slows the writer down. Fails after close().",
    "params": [
     {
      "name": "data",
      "schemaName": "data",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ],
    "results": []
   },
   {
    "name": "close",
    "schemaName": "close",
    "ordinal": 2,
    "interfaceName": "ByteStream",
    "interfaceId": "0xad0814a00f2b0bc9",
    "doc": "Closes the stream for writing: the other side reads end-of-file once it\nhas read everything written before. For a read-only stream it discards\nwhat is unread. Closing twice does nothing.",
    "params": [],
    "results": []
   }
  ]
 },
 {
  "name": "Executor",
  "binding": "executor",
  "id": "0xbba0414878167fa2",
  "file": "system.capnp",
  "doc": "One loaded component, ready to be run. Spawning only instantiates it;\nit never compiles again. Handing out an Executor delegates the authority\nto run this one component and nothing else.",
  "superclasses": [],
  "methods": [
   {
    "name": "spawn",
    "schemaName": "spawn",
    "ordinal": 0,
    "interfaceName": "Executor",
    "interfaceId": "0xbba0414878167fa2",
    "doc": "Starts a new cell from this component and returns it at once, running.\n`args` are its arguments after the program name (the cell sees the\ncomponent's CID as argv[0]). `env` holds `KEY=VALUE` strings, and the\ncell sees no other environment; `WW_CELL_MODE` in it selects how stdio\nis wired: `vat` (Cap'n Proto), `raw` (bytes), `http` (WAGI) or unset\n(pid0: stdio carries the cell's membrane). `caps` are the cell's grants:\nits membrane grafts exactly these, and the cell has no other authority.\n`limits` bound what it may consume.",
    "params": [
     {
      "name": "args",
      "schemaName": "args",
      "ordinal": 0,
      "type": {
       "text": "List(Text)",
       "kind": "List",
       "element": {
        "text": "Text",
        "kind": "Text"
       }
      },
      "doc": ""
     },
     {
      "name": "env",
      "schemaName": "env",
      "ordinal": 1,
      "type": {
       "text": "List(Text)",
       "kind": "List",
       "element": {
        "text": "Text",
        "kind": "Text"
       }
      },
      "doc": ""
     },
     {
      "name": "caps",
      "schemaName": "caps",
      "ordinal": 2,
      "type": {
       "text": "List(Export)",
       "kind": "List",
       "element": {
        "text": "Export",
        "kind": "Struct",
        "name": "Export"
       }
      },
      "doc": ""
     },
     {
      "name": "limits",
      "schemaName": "limits",
      "ordinal": 3,
      "type": {
       "text": "Limits",
       "kind": "Struct",
       "name": "Limits"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "process",
      "schemaName": "process",
      "ordinal": 0,
      "type": {
       "text": "Process",
       "kind": "Interface",
       "name": "Process"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "cid",
    "schemaName": "cid",
    "ordinal": 1,
    "interfaceName": "Executor",
    "interfaceId": "0xbba0414878167fa2",
    "doc": "Returns the CID of the component's bytes (CIDv1, raw, sha2-256), the\nsame key Routing.hash gives for them.",
    "params": [],
    "results": [
     {
      "name": "cid",
      "schemaName": "cid",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "GliaCap",
  "binding": "glia-cap",
  "id": "0x96b5093e383c0f4a",
  "file": "glia.capnp",
  "doc": "A capability made in Glia with `(defcap name :method fn ...)`.",
  "superclasses": [],
  "methods": [
   {
    "name": "call",
    "schemaName": "call",
    "ordinal": 0,
    "interfaceName": "GliaCap",
    "interfaceId": "0x96b5093e383c0f4a",
    "doc": "Calls the method `method` (its name without the colon, such as\n`inc`) with `args`. The result is the method's return value. A Glia\nerror thrown by the method comes back as an RPC exception whose reason\nis the error's type and message.",
    "params": [
     {
      "name": "method",
      "schemaName": "method",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "args",
      "schemaName": "args",
      "ordinal": 1,
      "type": {
       "text": "List(Value)",
       "kind": "List",
       "element": {
        "text": "Value",
        "kind": "Struct",
        "name": "Value"
       }
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "result",
      "schemaName": "result",
      "ordinal": 0,
      "type": {
       "text": "Value",
       "kind": "Struct",
       "name": "Value"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "describe",
    "schemaName": "describe",
    "ordinal": 1,
    "interfaceName": "GliaCap",
    "interfaceId": "0x96b5093e383c0f4a",
    "doc": "The capability's name (the defcap's name) and the names of its\nmethods, in sorted order, as `(methods cap)` shows them.",
    "params": [],
    "results": [
     {
      "name": "name",
      "schemaName": "name",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "methods",
      "schemaName": "methods",
      "ordinal": 1,
      "type": {
       "text": "List(Text)",
       "kind": "List",
       "element": {
        "text": "Text",
        "kind": "Text"
       }
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Host",
  "binding": "host",
  "id": "0xaaf3efb9e631acb7",
  "file": "system.capnp",
  "doc": "This libp2p node: who it is, where it listens, whom it knows, and the\nnetwork endpoints for serving and dialing. Glia layers conveniences on\nit: `(perform host :listen cell \"/prefix\")` is HttpListener.listen,\n`(perform host :listen-stream cell \"proto\")` is StreamListener.listen\nand `(perform host :serve-vat cap \"name\")` is VatListener.serve, each\nthrough network().",
  "superclasses": [],
  "methods": [
   {
    "name": "id",
    "schemaName": "id",
    "ordinal": 0,
    "interfaceName": "Host",
    "interfaceId": "0xaaf3efb9e631acb7",
    "doc": "Returns this node's libp2p peer id, as a string (`12D3KooW...`).",
    "params": [],
    "results": [
     {
      "name": "peer-id",
      "schemaName": "peerId",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "addrs",
    "schemaName": "addrs",
    "ordinal": 1,
    "interfaceName": "Host",
    "interfaceId": "0xaaf3efb9e631acb7",
    "doc": "Returns the multiaddrs this node listens on, as strings.",
    "params": [],
    "results": [
     {
      "name": "addrs",
      "schemaName": "addrs",
      "ordinal": 0,
      "type": {
       "text": "List(Text)",
       "kind": "List",
       "element": {
        "text": "Text",
        "kind": "Text"
       }
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "peers",
    "schemaName": "peers",
    "ordinal": 2,
    "interfaceName": "Host",
    "interfaceId": "0xaaf3efb9e631acb7",
    "doc": "Returns the peers this node is connected to now, with their addresses.",
    "params": [],
    "results": [
     {
      "name": "peers",
      "schemaName": "peers",
      "ordinal": 0,
      "type": {
       "text": "List(PeerInfo)",
       "kind": "List",
       "element": {
        "text": "PeerInfo",
        "kind": "Struct",
        "name": "PeerInfo"
       }
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "network",
    "schemaName": "network",
    "ordinal": 3,
    "interfaceName": "Host",
    "interfaceId": "0xaaf3efb9e631acb7",
    "doc": "Returns the endpoints for serving and reaching others: raw byte streams\nand Cap'n Proto vats over libp2p, and HTTP (WAGI) on port 2080. Attenuate\nthe Host to keep a holder off the network.",
    "params": [],
    "results": [
     {
      "name": "stream-listener",
      "schemaName": "streamListener",
      "ordinal": 0,
      "type": {
       "text": "StreamListener",
       "kind": "Interface",
       "name": "StreamListener"
      },
      "doc": ""
     },
     {
      "name": "stream-dialer",
      "schemaName": "streamDialer",
      "ordinal": 1,
      "type": {
       "text": "StreamDialer",
       "kind": "Interface",
       "name": "StreamDialer"
      },
      "doc": ""
     },
     {
      "name": "vat-listener",
      "schemaName": "vatListener",
      "ordinal": 2,
      "type": {
       "text": "VatListener",
       "kind": "Interface",
       "name": "VatListener"
      },
      "doc": ""
     },
     {
      "name": "vat-client",
      "schemaName": "vatClient",
      "ordinal": 3,
      "type": {
       "text": "VatClient",
       "kind": "Interface",
       "name": "VatClient"
      },
      "doc": ""
     },
     {
      "name": "http-listener",
      "schemaName": "httpListener",
      "ordinal": 4,
      "type": {
       "text": "HttpListener",
       "kind": "Interface",
       "name": "HttpListener"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "state-ref",
    "schemaName": "stateRef",
    "ordinal": 4,
    "interfaceName": "Host",
    "interfaceId": "0xaaf3efb9e631acb7",
    "doc": "Returns the node's StateRef named `name` (state.capnp), creating it\nempty the first time. The same name gives the same ref, with the same\nhead, to every caller on this node, across grafts and restarts (its\nhead is kept in the node's datastore). A name is one segment, as for\nvats: not empty, no `/`, no spaces or control characters, at most 128\nbytes (else `node/bad-name`).",
    "params": [
     {
      "name": "name",
      "schemaName": "name",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "ref",
      "schemaName": "ref",
      "ordinal": 0,
      "type": {
       "text": "StateRef",
       "kind": "Interface",
       "name": "StateRef"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "HttpClient",
  "binding": "http-client",
  "id": "0xd6688ddcaa4733a2",
  "file": "http.capnp",
  "doc": "Makes HTTP(S) requests on the caller's behalf, only to the hosts its\nallowlist names. The server that issued the capability holds the\nallowlist and checks every request, including each redirect, against\nit; the caller can neither see nor change it. A request to any other\nhost fails with `permission-denied`, naming the host. Responses larger\nthan the node's message limit fail rather than being cut short.",
  "superclasses": [],
  "methods": [
   {
    "name": "get",
    "schemaName": "get",
    "ordinal": 0,
    "interfaceName": "HttpClient",
    "interfaceId": "0xd6688ddcaa4733a2",
    "doc": "Sends a GET request to `url` (`http://` or `https://`) with `headers`\nand returns the response, whatever its status. Redirects are followed\nwhile they stay on allowed hosts.",
    "params": [
     {
      "name": "url",
      "schemaName": "url",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "headers",
      "schemaName": "headers",
      "ordinal": 1,
      "type": {
       "text": "List(Header)",
       "kind": "List",
       "element": {
        "text": "Header",
        "kind": "Struct",
        "name": "Header"
       }
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "response",
      "schemaName": "response",
      "ordinal": 0,
      "type": {
       "text": "Response",
       "kind": "Struct",
       "name": "Response"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "post",
    "schemaName": "post",
    "ordinal": 1,
    "interfaceName": "HttpClient",
    "interfaceId": "0xd6688ddcaa4733a2",
    "doc": "Sends a POST request to `url` with `headers` and `body` and returns\nthe response, whatever its status. Set `content-type` in `headers`.",
    "params": [
     {
      "name": "url",
      "schemaName": "url",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "headers",
      "schemaName": "headers",
      "ordinal": 1,
      "type": {
       "text": "List(Header)",
       "kind": "List",
       "element": {
        "text": "Header",
        "kind": "Struct",
        "name": "Header"
       }
      },
      "doc": ""
     },
     {
      "name": "body",
      "schemaName": "body",
      "ordinal": 2,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "response",
      "schemaName": "response",
      "ordinal": 0,
      "type": {
       "text": "Response",
       "kind": "Struct",
       "name": "Response"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "HttpListener",
  "binding": "http-listener",
  "id": "0xfc714fbff9c96184",
  "file": "system.capnp",
  "doc": "Serves HTTP through WAGI on port 2080.",
  "superclasses": [],
  "methods": [
   {
    "name": "listen",
    "schemaName": "listen",
    "ordinal": 0,
    "interfaceName": "HttpListener",
    "interfaceId": "0xfc714fbff9c96184",
    "doc": "Routes each request whose path starts with `prefix` (such as\n`/status`) to a fresh cell in the http mode, which gets the request the\nCGI way (environment and stdin) and writes its response to stdout. The\nlongest matching prefix wins. Fails if the prefix is taken.",
    "params": [
     {
      "name": "cell",
      "schemaName": "cell",
      "ordinal": 0,
      "type": {
       "text": "CellSpec",
       "kind": "Struct",
       "name": "CellSpec"
      },
      "doc": ""
     },
     {
      "name": "prefix",
      "schemaName": "prefix",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "registration",
      "schemaName": "registration",
      "ordinal": 0,
      "type": {
       "text": "Registration",
       "kind": "Interface",
       "name": "Registration"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Identity",
  "binding": "identity",
  "id": "0x91021bdd7e3dca88",
  "file": "auth.capnp",
  "doc": "This node's Ed25519 identity (from `~/.ww/identity`), which is also its\nlibp2p identity. Grafted as `identity`. It never hands out the private\nkey, only Signers that use it.",
  "superclasses": [],
  "methods": [
   {
    "name": "peer-id",
    "schemaName": "peerId",
    "ordinal": 0,
    "interfaceName": "Identity",
    "interfaceId": "0x91021bdd7e3dca88",
    "doc": "Returns the node's libp2p peer id, as a string (`12D3KooW...`).",
    "params": [],
    "results": [
     {
      "name": "peer-id",
      "schemaName": "peerId",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "public-key",
    "schemaName": "publicKey",
    "ordinal": 1,
    "interfaceName": "Identity",
    "interfaceId": "0x91021bdd7e3dca88",
    "doc": "Returns the node's Ed25519 public key, as its raw 32 bytes.",
    "params": [],
    "results": [
     {
      "name": "public-key",
      "schemaName": "publicKey",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "signer",
    "schemaName": "signer",
    "ordinal": 2,
    "interfaceName": "Identity",
    "interfaceId": "0x91021bdd7e3dca88",
    "doc": "Returns a Signer that signs with the node's key in the listed domains\nonly; asking it to sign in any other domain fails with\n`permission-denied`. The list must not be empty. Handing out a signer\nfor `ww/terminal/login` lets its holder log in as this node.",
    "params": [
     {
      "name": "domains",
      "schemaName": "domains",
      "ordinal": 0,
      "type": {
       "text": "List(Text)",
       "kind": "List",
       "element": {
        "text": "Text",
        "kind": "Text"
       }
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "signer",
      "schemaName": "signer",
      "ordinal": 0,
      "type": {
       "text": "Signer",
       "kind": "Interface",
       "name": "Signer"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "verify",
    "schemaName": "verify",
    "ordinal": 3,
    "interfaceName": "Identity",
    "interfaceId": "0x91021bdd7e3dca88",
    "doc": "Checks that `signature` was made by the key `publicKey` (raw 32 bytes)\nover `payload` in `domain`. Needs no authority and touches no key;\na malformed key or signature gives false, not an error.",
    "params": [
     {
      "name": "public-key",
      "schemaName": "publicKey",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     },
     {
      "name": "domain",
      "schemaName": "domain",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "payload",
      "schemaName": "payload",
      "ordinal": 2,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     },
     {
      "name": "signature",
      "schemaName": "signature",
      "ordinal": 3,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "valid",
      "schemaName": "valid",
      "ordinal": 0,
      "type": {
       "text": "Bool",
       "kind": "Bool"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Ipfs",
  "binding": "ipfs",
  "id": "0xa7c7dff4c1240d82",
  "file": "system.capnp",
  "doc": "Content-addressed files: the node's embedded IPFS (Helia), or Kubo\nwhen the node was started with `--ipfs-url`. Grafted as `ipfs`.",
  "superclasses": [],
  "methods": [
   {
    "name": "read",
    "schemaName": "read",
    "ordinal": 0,
    "interfaceName": "Ipfs",
    "interfaceId": "0xa7c7dff4c1240d82",
    "doc": "Returns the bytes of the file at `path`: `/ipfs/<cid>/sub/path`,\n`/ipns/<name>/sub/path` or a bare CID. Fails if the path is a directory\nor the file is larger than the node's message limit.",
    "params": [
     {
      "name": "path",
      "schemaName": "path",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "data",
      "schemaName": "data",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "add",
    "schemaName": "add",
    "ordinal": 1,
    "interfaceName": "Ipfs",
    "interfaceId": "0xa7c7dff4c1240d82",
    "doc": "Stores `data` as a file (UnixFS, CIDv1), pins it and returns its CID.",
    "params": [
     {
      "name": "data",
      "schemaName": "data",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "cid",
      "schemaName": "cid",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Membrane",
  "binding": "membrane",
  "id": "0xbbf8e92b02c0c173",
  "file": "membrane.capnp",
  "doc": "Hands out a session's capabilities. Holding a Membrane is the\nauthority itself; wrap it in a Terminal (auth.capnp) to require a login.",
  "superclasses": [],
  "methods": [
   {
    "name": "graft",
    "schemaName": "graft",
    "ordinal": 0,
    "interfaceName": "Membrane",
    "interfaceId": "0xbbf8e92b02c0c173",
    "doc": "Issues the session's capabilities, each under its name, guarded by the\ncurrent epoch. A node's session grafts `host`, `runtime`, `routing`,\n`identity`, `http-client` and `ipfs`, plus any grants made with `with`.\nEach call issues fresh capabilities; after the epoch advances, graft\nagain to replace the stale ones. The list is sorted by name and names\nare unique.",
    "params": [],
    "results": [
     {
      "name": "caps",
      "schemaName": "caps",
      "ordinal": 0,
      "type": {
       "text": "List(Export)",
       "kind": "List",
       "element": {
        "text": "Export",
        "kind": "Struct",
        "name": "Export"
       }
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "epoch",
    "schemaName": "epoch",
    "ordinal": 1,
    "interfaceName": "Membrane",
    "interfaceId": "0xbbf8e92b02c0c173",
    "doc": "Returns the current epoch: the one a graft made now would be bound to.",
    "params": [],
    "results": [
     {
      "name": "epoch",
      "schemaName": "epoch",
      "ordinal": 0,
      "type": {
       "text": "Epoch",
       "kind": "Struct",
       "name": "Epoch"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Process",
  "binding": "process",
  "id": "0xe562a5630237969b",
  "file": "system.capnp",
  "doc": "A running (or finished) cell.",
  "superclasses": [],
  "methods": [
   {
    "name": "stdin",
    "schemaName": "stdin",
    "ordinal": 0,
    "interfaceName": "Process",
    "interfaceId": "0xe562a5630237969b",
    "doc": "Returns the cell's standard input, to write to; closing it gives the\ncell end-of-file. Every call returns the same stream. Fails in the\npid0 and vat modes, where stdio carries Cap'n Proto.",
    "params": [],
    "results": [
     {
      "name": "stream",
      "schemaName": "stream",
      "ordinal": 0,
      "type": {
       "text": "ByteStream",
       "kind": "Interface",
       "name": "ByteStream"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "stdout",
    "schemaName": "stdout",
    "ordinal": 1,
    "interfaceName": "Process",
    "interfaceId": "0xe562a5630237969b",
    "doc": "Returns the cell's standard output, to read from. Every call returns\nthe same stream. Fails in the pid0 and vat modes, where stdio carries\nCap'n Proto.",
    "params": [],
    "results": [
     {
      "name": "stream",
      "schemaName": "stream",
      "ordinal": 0,
      "type": {
       "text": "ByteStream",
       "kind": "Interface",
       "name": "ByteStream"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "stderr",
    "schemaName": "stderr",
    "ordinal": 2,
    "interfaceName": "Process",
    "interfaceId": "0xe562a5630237969b",
    "doc": "Returns the cell's standard error, to read from, in every mode. Every\ncall returns the same stream.",
    "params": [],
    "results": [
     {
      "name": "stream",
      "schemaName": "stream",
      "ordinal": 0,
      "type": {
       "text": "ByteStream",
       "kind": "Interface",
       "name": "ByteStream"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "wait",
    "schemaName": "wait",
    "ordinal": 3,
    "interfaceName": "Process",
    "interfaceId": "0xe562a5630237969b",
    "doc": "Waits until the cell has ended and returns its exit code when it exits.\nWhen it was stopped instead (a limit, a trap, kill()), fails with the\ncell error, its type first in the reason (`cell/timeout: ...`,\n`cell/memory`, `cell/output-limit`, `cell/trap`, `cell/killed`), which\nGlia sees as an error of that type.",
    "params": [],
    "results": [
     {
      "name": "exit-code",
      "schemaName": "exitCode",
      "ordinal": 0,
      "type": {
       "text": "Int32",
       "kind": "Int32"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "bootstrap",
    "schemaName": "bootstrap",
    "ordinal": 4,
    "interfaceName": "Process",
    "interfaceId": "0xe562a5630237969b",
    "doc": "Returns the capability the cell exports over its stdio in the pid0 and\nvat modes. Calls made on it before the cell is ready wait for it.\nFails in the raw and http modes, or if the cell exports nothing.",
    "params": [],
    "results": [
     {
      "name": "cap",
      "schemaName": "cap",
      "ordinal": 0,
      "type": {
       "text": "Capability",
       "kind": "Capability"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "kill",
    "schemaName": "kill",
    "ordinal": 5,
    "interfaceName": "Process",
    "interfaceId": "0xe562a5630237969b",
    "doc": "Stops the cell at once. Pending reads see end-of-file and wait()\nfails with `cell/killed`. Killing a cell that has ended does nothing.",
    "params": [],
    "results": []
   }
  ]
 },
 {
  "name": "ProviderSink",
  "binding": "provider-sink",
  "id": "0xbee540e73c345f7a",
  "file": "routing.capnp",
  "doc": "Receives the results of findProviders, one call per provider. The\ncaller of findProviders implements it.",
  "superclasses": [],
  "methods": [
   {
    "name": "provider",
    "schemaName": "provider",
    "ordinal": 0,
    "interfaceName": "ProviderSink",
    "interfaceId": "0xbee540e73c345f7a",
    "doc": "Called once for each provider found. Failing the call stops the search.",
    "params": [
     {
      "name": "info",
      "schemaName": "info",
      "ordinal": 0,
      "type": {
       "text": "PeerInfo",
       "kind": "Struct",
       "name": "PeerInfo"
      },
      "doc": ""
     }
    ],
    "results": []
   },
   {
    "name": "done",
    "schemaName": "done",
    "ordinal": 1,
    "interfaceName": "ProviderSink",
    "interfaceId": "0xbee540e73c345f7a",
    "doc": "Called once, after the last provider, when the search has finished.",
    "params": [],
    "results": []
   }
  ]
 },
 {
  "name": "Registration",
  "binding": "registration",
  "id": "0xc68401f3e7d6c536",
  "file": "system.capnp",
  "doc": "A listener that was set up. It stays in place until cancel() is called\nor the epoch it was made in ends. Releasing the Registration does not\nend it, so a script may drop it.",
  "superclasses": [],
  "methods": [
   {
    "name": "cancel",
    "schemaName": "cancel",
    "ordinal": 0,
    "interfaceName": "Registration",
    "interfaceId": "0xc68401f3e7d6c536",
    "doc": "Stops accepting new connections or requests. Cells already running\ncontinue until they end. Cancelling twice does nothing.",
    "params": [],
    "results": []
   }
  ]
 },
 {
  "name": "Routing",
  "binding": "routing",
  "id": "0xbb7ee9bf9c06cb1c",
  "file": "routing.capnp",
  "doc": "Finds who has content and what a name points to, and announces what\nthis node has.",
  "superclasses": [],
  "methods": [
   {
    "name": "provide",
    "schemaName": "provide",
    "ordinal": 0,
    "interfaceName": "Routing",
    "interfaceId": "0xbb7ee9bf9c06cb1c",
    "doc": "Announces on the DHT that this node provides `key` (a CID string, for\nexample one returned by hash()). Returns once the DHT has taken the\nannouncement.",
    "params": [
     {
      "name": "key",
      "schemaName": "key",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": []
   },
   {
    "name": "find-providers",
    "schemaName": "findProviders",
    "ordinal": 1,
    "interfaceName": "Routing",
    "interfaceId": "0xbb7ee9bf9c06cb1c",
    "doc": "Searches the DHT for peers that provide `key` (a CID string) and\nstreams each one into `sink` as it is found, then calls `sink.done()`.\nThe call returns when the search has finished. Cancelling the call, or\na `provider` call on the sink failing, stops the search. In Glia,\n`(perform routing :find-providers key)` with no sink returns a lazy\nsequence of PeerInfo maps instead.",
    "params": [
     {
      "name": "key",
      "schemaName": "key",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "sink",
      "schemaName": "sink",
      "ordinal": 1,
      "type": {
       "text": "ProviderSink",
       "kind": "Interface",
       "name": "ProviderSink"
      },
      "doc": ""
     }
    ],
    "results": []
   },
   {
    "name": "hash",
    "schemaName": "hash",
    "ordinal": 2,
    "interfaceName": "Routing",
    "interfaceId": "0xbb7ee9bf9c06cb1c",
    "doc": "Returns the key under which `data` is stored and provided: its CIDv1\n(raw codec, sha2-256) as a string. Pure; it contacts nobody.",
    "params": [
     {
      "name": "data",
      "schemaName": "data",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "key",
      "schemaName": "key",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "resolve",
    "schemaName": "resolve",
    "ordinal": 3,
    "interfaceName": "Routing",
    "interfaceId": "0xbb7ee9bf9c06cb1c",
    "doc": "Resolves an IPNS name (`/ipns/<name>` or the bare name) to the path it\ncurrently points to, such as `/ipfs/<cid>/dir`. Fails with a\nnot-found error if nobody has published the name.",
    "params": [
     {
      "name": "name",
      "schemaName": "name",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "path",
      "schemaName": "path",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "publish",
    "schemaName": "publish",
    "ordinal": 4,
    "interfaceName": "Routing",
    "interfaceId": "0xbb7ee9bf9c06cb1c",
    "doc": "Points the IPNS name `name` at `path` (`/ipfs/<cid>...`) and announces\nthe record. `name` must be a key this node holds: `self` is the node's\nown identity, whose IPNS name is its peer id.",
    "params": [
     {
      "name": "name",
      "schemaName": "name",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "path",
      "schemaName": "path",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": []
   }
  ]
 },
 {
  "name": "Runtime",
  "binding": "runtime",
  "id": "0xb3357e68eddaee9b",
  "file": "system.capnp",
  "doc": "Loads WebAssembly components (WASI 0.2) so that they can be run as\ncells. Glia layers `(perform runtime :run wasm & opts)` on it: load,\nspawn and wait in one step.",
  "superclasses": [],
  "methods": [
   {
    "name": "load",
    "schemaName": "load",
    "ordinal": 0,
    "interfaceName": "Runtime",
    "interfaceId": "0xb3357e68eddaee9b",
    "doc": "Compiles the component in `wasm`, or finds it already compiled in the\ncache (keyed by CID), and returns an Executor that spawns it. Fails\nwith a structured error if the bytes are not a valid component or it\nimports something the node does not supply.",
    "params": [
     {
      "name": "wasm",
      "schemaName": "wasm",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "executor",
      "schemaName": "executor",
      "ordinal": 0,
      "type": {
       "text": "Executor",
       "kind": "Interface",
       "name": "Executor"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Shell",
  "binding": "shell",
  "id": "0x8f9f44a7ee4cacc8",
  "file": "shell.capnp",
  "doc": "One Glia session, like the REPL's: definitions made by one eval stay\nfor the next. It has only the capabilities it was given when made.",
  "superclasses": [],
  "methods": [
   {
    "name": "eval",
    "schemaName": "eval",
    "ordinal": 0,
    "interfaceName": "Shell",
    "interfaceId": "0x8f9f44a7ee4cacc8",
    "doc": "Reads and evaluates every form in `source`, in order. `value` is the\nprinted (readable) value of the last form, `output` is what the forms\nprinted, and `error` is empty on success. On failure `error` holds the\ndiagnostic as the CLI prints it (code, message, span and hint), `value`\nis empty, and `output` still holds what was printed before the error.\nForms evaluated before a failing one keep their effects.",
    "params": [
     {
      "name": "source",
      "schemaName": "source",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "value",
      "schemaName": "value",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "output",
      "schemaName": "output",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "error",
      "schemaName": "error",
      "ordinal": 2,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Signer",
  "binding": "signer",
  "id": "0x961fbbab04e42c3f",
  "file": "auth.capnp",
  "doc": "Signs with one key, in the domains it was issued for. A Signer may be\nserved by the node (from Identity.signer) or by a client that holds\nits own key, for example to log in through a Terminal.",
  "superclasses": [],
  "methods": [
   {
    "name": "sign",
    "schemaName": "sign",
    "ordinal": 0,
    "interfaceName": "Signer",
    "interfaceId": "0x961fbbab04e42c3f",
    "doc": "Returns the 64-byte Ed25519 signature over `domain` and `payload`,\nlaid out as the file comment above says. Fails with\n`permission-denied` if this signer may not sign in `domain`. A careful\nsigner decodes the payload of a domain it knows before signing it (for\n`ww/terminal/login`, a LoginChallenge) and refuses what it did not\nexpect.",
    "params": [
     {
      "name": "domain",
      "schemaName": "domain",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "payload",
      "schemaName": "payload",
      "ordinal": 1,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "signature",
      "schemaName": "signature",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "public-key",
    "schemaName": "publicKey",
    "ordinal": 1,
    "interfaceName": "Signer",
    "interfaceId": "0x961fbbab04e42c3f",
    "doc": "Returns the public key that verifies this signer's signatures, as the\nraw 32 bytes of an Ed25519 key.",
    "params": [],
    "results": [
     {
      "name": "public-key",
      "schemaName": "publicKey",
      "ordinal": 0,
      "type": {
       "text": "Data",
       "kind": "Data"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "StateRef",
  "binding": "state-ref",
  "id": "0xcaf9d4c85f388d25",
  "file": "state.capnp",
  "doc": "One named ref, from `(perform host :state-ref \"name\")`. Attenuated to\n`[:head :history :get]` it is read-only: it can be read and followed\nback, never committed to.",
  "superclasses": [],
  "methods": [
   {
    "name": "head",
    "schemaName": "head",
    "ordinal": 0,
    "interfaceName": "StateRef",
    "interfaceId": "0xcaf9d4c85f388d25",
    "doc": "The newest version: its CID and its sequence number. A ref that was\nnever written has the empty CID \"\" and sequence 0.",
    "params": [],
    "results": [
     {
      "name": "cid",
      "schemaName": "cid",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "seq",
      "schemaName": "seq",
      "ordinal": 1,
      "type": {
       "text": "UInt64",
       "kind": "UInt64"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "compare-and-set",
    "schemaName": "compareAndSet",
    "ordinal": 1,
    "interfaceName": "StateRef",
    "interfaceId": "0xcaf9d4c85f388d25",
    "doc": "Makes `newCid` the head if the head is still `expectedCid` (\"\" for a\nref never written). `newCid` must be a version stored with `put`\nwhose predecessor is `expectedCid`. Returns ok true with the new head,\nor ok false with the head as it is now (someone else committed first),\nand nothing changes.",
    "params": [
     {
      "name": "expected-cid",
      "schemaName": "expectedCid",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "new-cid",
      "schemaName": "newCid",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "ok",
      "schemaName": "ok",
      "ordinal": 0,
      "type": {
       "text": "Bool",
       "kind": "Bool"
      },
      "doc": ""
     },
     {
      "name": "cid",
      "schemaName": "cid",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "seq",
      "schemaName": "seq",
      "ordinal": 2,
      "type": {
       "text": "UInt64",
       "kind": "UInt64"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "history",
    "schemaName": "history",
    "ordinal": 2,
    "interfaceName": "StateRef",
    "interfaceId": "0xcaf9d4c85f388d25",
    "doc": "Up to `limit` versions, newest first, found by following each\nversion's predecessor CID from the head.",
    "params": [
     {
      "name": "limit",
      "schemaName": "limit",
      "ordinal": 0,
      "type": {
       "text": "UInt32",
       "kind": "UInt32"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "entries",
      "schemaName": "entries",
      "ordinal": 0,
      "type": {
       "text": "List(Version)",
       "kind": "List",
       "element": {
        "text": "Version",
        "kind": "Struct",
        "name": "Version"
       }
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "get",
    "schemaName": "get",
    "ordinal": 3,
    "interfaceName": "StateRef",
    "interfaceId": "0xcaf9d4c85f388d25",
    "doc": "The value of the version `cid`. Fails if the block is missing or is not\na version of this ref's kind.",
    "params": [
     {
      "name": "cid",
      "schemaName": "cid",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "value",
      "schemaName": "value",
      "ordinal": 0,
      "type": {
       "text": "Value",
       "kind": "Struct",
       "name": "Value"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "put",
    "schemaName": "put",
    "ordinal": 4,
    "interfaceName": "StateRef",
    "interfaceId": "0xcaf9d4c85f388d25",
    "doc": "Stores `value` as a new version whose predecessor is `prevCid` (\"\" for\nthe first), as a dag-cbor block in the node's IPFS, and returns its\nCID. It does not move the head: `compareAndSet` does.",
    "params": [
     {
      "name": "value",
      "schemaName": "value",
      "ordinal": 0,
      "type": {
       "text": "Value",
       "kind": "Struct",
       "name": "Value"
      },
      "doc": ""
     },
     {
      "name": "prev-cid",
      "schemaName": "prevCid",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "cid",
      "schemaName": "cid",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "StreamDialer",
  "binding": "stream-dialer",
  "id": "0xa8d6a0223521dff1",
  "file": "system.capnp",
  "doc": "Opens raw byte streams to other nodes.",
  "superclasses": [],
  "methods": [
   {
    "name": "dial",
    "schemaName": "dial",
    "ordinal": 0,
    "interfaceName": "StreamDialer",
    "interfaceId": "0xa8d6a0223521dff1",
    "doc": "Opens a stream to `peerId` on `/ww/0.1.0/stream/<protocol>` and returns\nit, for reading and writing. close() ends the writing side only.",
    "params": [
     {
      "name": "peer-id",
      "schemaName": "peerId",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "protocol",
      "schemaName": "protocol",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "stream",
      "schemaName": "stream",
      "ordinal": 0,
      "type": {
       "text": "ByteStream",
       "kind": "Interface",
       "name": "ByteStream"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "StreamListener",
  "binding": "stream-listener",
  "id": "0xb7cd712f8b7ceeaa",
  "file": "system.capnp",
  "doc": "Serves raw byte-stream protocols over libp2p.",
  "superclasses": [],
  "methods": [
   {
    "name": "listen",
    "schemaName": "listen",
    "ordinal": 0,
    "interfaceName": "StreamListener",
    "interfaceId": "0xb7cd712f8b7ceeaa",
    "doc": "Accepts libp2p streams for the protocol `/ww/0.1.0/stream/<protocol>`.\nEach incoming stream starts a fresh cell in the raw mode with the\nstream wired to its stdin and stdout. Fails if the protocol is taken.",
    "params": [
     {
      "name": "cell",
      "schemaName": "cell",
      "ordinal": 0,
      "type": {
       "text": "CellSpec",
       "kind": "Struct",
       "name": "CellSpec"
      },
      "doc": ""
     },
     {
      "name": "protocol",
      "schemaName": "protocol",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "registration",
      "schemaName": "registration",
      "ordinal": 0,
      "type": {
       "text": "Registration",
       "kind": "Interface",
       "name": "Registration"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Terminal",
  "binding": "terminal",
  "id": "0xae1d8e2dacba4f3e",
  "file": "auth.capnp",
  "doc": "The door to a Membrane for a caller who must first prove who they are.\nA node serves one to other nodes as a vat (see VatListener.serve in\nsystem.capnp). Holding a Terminal grants nothing by itself.",
  "superclasses": [],
  "methods": [
   {
    "name": "login",
    "schemaName": "login",
    "ordinal": 0,
    "interfaceName": "Terminal",
    "interfaceId": "0xae1d8e2dacba4f3e",
    "doc": "Logs in with the caller's key. The Terminal\n 1. asks `signer` for its public key and fails with\n    `permission-denied` unless that key is authorised here;\n 2. builds a LoginChallenge with its own peer id, 32 fresh random\n    bytes and the current epoch, and asks `signer` to sign its\n    canonical Cap'n Proto encoding in the domain `ww/terminal/login`;\n 3. checks the signature against the key, that the nonce has not been\n    used and that the challenge is less than 30 seconds old, and that\n    the epoch is still current (otherwise `stale-epoch`);\n 4. returns a Membrane whose grafts carry what that key is allowed.\nThe session belongs to the challenge's epoch: once the epoch advances\nit fails with `stale-epoch` like every capability it issued, and the\ncaller logs in again. So revoking a key takes effect at the next\nepoch. The caller's signature never leaves this exchange.",
    "params": [
     {
      "name": "signer",
      "schemaName": "signer",
      "ordinal": 0,
      "type": {
       "text": "Signer",
       "kind": "Interface",
       "name": "Signer"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "session",
      "schemaName": "session",
      "ordinal": 0,
      "type": {
       "text": "Membrane",
       "kind": "Interface",
       "name": "Membrane"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "Typed",
  "binding": "typed",
  "id": "0xa54db3abe5bfc9be",
  "file": "system.capnp",
  "doc": "Answered by the bootstrap capability of every vat a Wetware node serves\n(VatListener.serve), beside the methods of the capability itself: Cap'n\nProto carries no type with a capability, and a dialer needs the\ninterface to call it by method name.",
  "superclasses": [],
  "methods": [
   {
    "name": "interface-id",
    "schemaName": "interfaceId",
    "ordinal": 0,
    "interfaceName": "Typed",
    "interfaceId": "0xa54db3abe5bfc9be",
    "doc": "The Cap'n Proto id of the interface the served capability implements;\nzero when its server did not say.",
    "params": [],
    "results": [
     {
      "name": "id",
      "schemaName": "id",
      "ordinal": 0,
      "type": {
       "text": "UInt64",
       "kind": "UInt64"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "VatClient",
  "binding": "vat-client",
  "id": "0xd40277497dc0f5d3",
  "file": "system.capnp",
  "doc": "Reaches capabilities that other nodes serve.",
  "superclasses": [],
  "methods": [
   {
    "name": "dial",
    "schemaName": "dial",
    "ordinal": 0,
    "interfaceName": "VatClient",
    "interfaceId": "0xd40277497dc0f5d3",
    "doc": "Connects to `peerId` on `/ww/0.1.0/vat/<name>` and returns the\nbootstrap capability served there, with the interface it implements\n(from Typed.interfaceId, or GliaCap when it answers GliaCap.describe;\nzero when unknown). Finds the peer's addresses in the peerstore, then\nthe DHT, and gives up after 30 seconds. If the connection drops, every\npending and later call on it fails with a disconnected error; dial\nagain.",
    "params": [
     {
      "name": "peer-id",
      "schemaName": "peerId",
      "ordinal": 0,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "name",
      "schemaName": "name",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "cap",
      "schemaName": "cap",
      "ordinal": 0,
      "type": {
       "text": "Capability",
       "kind": "Capability"
      },
      "doc": ""
     },
     {
      "name": "interface-id",
      "schemaName": "interfaceId",
      "ordinal": 1,
      "type": {
       "text": "UInt64",
       "kind": "UInt64"
      },
      "doc": ""
     }
    ]
   }
  ]
 },
 {
  "name": "VatListener",
  "binding": "vat-listener",
  "id": "0xcfdd642b35cd5eb8",
  "file": "system.capnp",
  "doc": "Serves capabilities to other nodes as Cap'n Proto vats over libp2p.",
  "superclasses": [],
  "methods": [
   {
    "name": "listen",
    "schemaName": "listen",
    "ordinal": 0,
    "interfaceName": "VatListener",
    "interfaceId": "0xcfdd642b35cd5eb8",
    "doc": "Accepts connections for the protocol `/ww/0.1.0/vat/<name>`. Each one\nstarts a fresh cell in the vat mode, and the dialer receives the\ncapability the cell exports as its bootstrap. Fails if the name is\ntaken.",
    "params": [
     {
      "name": "cell",
      "schemaName": "cell",
      "ordinal": 0,
      "type": {
       "text": "CellSpec",
       "kind": "Struct",
       "name": "CellSpec"
      },
      "doc": ""
     },
     {
      "name": "name",
      "schemaName": "name",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "registration",
      "schemaName": "registration",
      "ordinal": 0,
      "type": {
       "text": "Registration",
       "kind": "Interface",
       "name": "Registration"
      },
      "doc": ""
     }
    ]
   },
   {
    "name": "serve",
    "schemaName": "serve",
    "ordinal": 1,
    "interfaceName": "VatListener",
    "interfaceId": "0xcfdd642b35cd5eb8",
    "doc": "Offers `cap` as the bootstrap capability to every connection on\n`/ww/0.1.0/vat/<name>`. Any attenuation on `cap` holds on the remote\nside, which cannot unwrap it. `interfaceId` is the interface `cap`\nimplements (zero when unknown); the bootstrap also answers\nTyped.interfaceId with it, so a dialer can call `cap` by method name.\nThe capability is guarded by the epoch the registration was made in.\nFails if the name is taken.",
    "params": [
     {
      "name": "cap",
      "schemaName": "cap",
      "ordinal": 0,
      "type": {
       "text": "Capability",
       "kind": "Capability"
      },
      "doc": ""
     },
     {
      "name": "name",
      "schemaName": "name",
      "ordinal": 1,
      "type": {
       "text": "Text",
       "kind": "Text"
      },
      "doc": ""
     },
     {
      "name": "interface-id",
      "schemaName": "interfaceId",
      "ordinal": 2,
      "type": {
       "text": "UInt64",
       "kind": "UInt64"
      },
      "doc": ""
     }
    ],
    "results": [
     {
      "name": "registration",
      "schemaName": "registration",
      "ordinal": 0,
      "type": {
       "text": "Registration",
       "kind": "Interface",
       "name": "Registration"
      },
      "doc": ""
     }
    ]
   }
  ]
 }
];

export const CAPABILITY_STRUCTS: readonly CapabilityStruct[] = [
 {
  "name": "CapRef",
  "id": "0xe07b5ccb69fbba3a",
  "file": "glia.capnp",
  "doc": "A capability inside a Value, with the interface it implements, so the\nreceiving vat knows its methods.",
  "fields": [
   {
    "name": "cap",
    "schemaName": "cap",
    "ordinal": 0,
    "type": {
     "text": "Capability",
     "kind": "Capability"
    },
    "doc": "The capability."
   },
   {
    "name": "interface-id",
    "schemaName": "interfaceId",
    "ordinal": 1,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "Its interface's Cap'n Proto id; zero when unknown."
   }
  ]
 },
 {
  "name": "CellSpec",
  "id": "0x9136af56b033af48",
  "file": "system.capnp",
  "doc": "How a listener starts a cell for each connection or request: a loaded\ncomponent and what to spawn it with (see Executor.spawn). Glia's\n`(cell wasm grants)` value becomes one of these. The listener sets\n`WW_CELL_MODE` itself.",
  "fields": [
   {
    "name": "executor",
    "schemaName": "executor",
    "ordinal": 0,
    "type": {
     "text": "Executor",
     "kind": "Interface",
     "name": "Executor"
    },
    "doc": "The component to run. Passing it delegates the authority to spawn it.\nMay be null when `wasm` holds the component instead."
   },
   {
    "name": "args",
    "schemaName": "args",
    "ordinal": 1,
    "type": {
     "text": "List(Text)",
     "kind": "List",
     "element": {
      "text": "Text",
      "kind": "Text"
     }
    },
    "doc": "The cell's arguments after the program name."
   },
   {
    "name": "env",
    "schemaName": "env",
    "ordinal": 2,
    "type": {
     "text": "List(Text)",
     "kind": "List",
     "element": {
      "text": "Text",
      "kind": "Text"
     }
    },
    "doc": "The cell's environment, as `KEY=VALUE` strings."
   },
   {
    "name": "caps",
    "schemaName": "caps",
    "ordinal": 3,
    "type": {
     "text": "List(Export)",
     "kind": "List",
     "element": {
      "text": "Export",
      "kind": "Struct",
      "name": "Export"
     }
    },
    "doc": "The cell's grants: its membrane grafts exactly these."
   },
   {
    "name": "limits",
    "schemaName": "limits",
    "ordinal": 4,
    "type": {
     "text": "Limits",
     "kind": "Struct",
     "name": "Limits"
    },
    "doc": "The resource limits of each cell started."
   },
   {
    "name": "wasm",
    "schemaName": "wasm",
    "ordinal": 5,
    "type": {
     "text": "Data",
     "kind": "Data"
    },
    "doc": "The component's bytes, for a spec with no `executor`: the listener\nloads them with its own node's Runtime (cached by CID), so serving a\ncell needs no Runtime capability of the caller's. Ignored when\n`executor` is set."
   }
  ]
 },
 {
  "name": "Entry",
  "id": "0xba265893aba953c2",
  "file": "glia.capnp",
  "doc": "One key and value of a map.",
  "fields": [
   {
    "name": "key",
    "schemaName": "key",
    "ordinal": 0,
    "type": {
     "text": "Value",
     "kind": "Struct",
     "name": "Value"
    },
    "doc": "The key."
   },
   {
    "name": "value",
    "schemaName": "value",
    "ordinal": 1,
    "type": {
     "text": "Value",
     "kind": "Struct",
     "name": "Value"
    },
    "doc": "The value."
   }
  ]
 },
 {
  "name": "Epoch",
  "id": "0xef6643174eec7b87",
  "file": "membrane.capnp",
  "doc": "A period in which a set of grafted capabilities is valid. Epochs are\ntotally ordered by `seq`; a capability issued in one epoch works only\nwhile that epoch is current.",
  "fields": [
   {
    "name": "seq",
    "schemaName": "seq",
    "ordinal": 0,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "Sequence number. It only grows: the boot epoch is 0 and each advance\nadds 1."
   },
   {
    "name": "head",
    "schemaName": "head",
    "ordinal": 1,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "Content identifier of this epoch: a CIDv1 (raw, sha2-256) string of the\ncanonical Cap'n Proto encoding of this Epoch with `head` left empty.\nSince the provenance names the previous head, the heads chain the\nepochs together, and two parties that agree on a head agree on exactly\nwhich epoch they mean."
   },
   {
    "name": "provenance",
    "schemaName": "provenance",
    "ordinal": 2,
    "type": {
     "text": "Provenance",
     "kind": "Struct",
     "name": "Provenance"
    },
    "doc": "Where this epoch came from."
   }
  ]
 },
 {
  "name": "Export",
  "id": "0x8a8a905297c135ce",
  "file": "membrane.capnp",
  "doc": "One named capability of a graft, or one grant handed to a cell.",
  "fields": [
   {
    "name": "name",
    "schemaName": "name",
    "ordinal": 0,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The name the capability is bound to, in kebab-case (`http-client`).\nGlia binds it as a var of that name."
   },
   {
    "name": "cap",
    "schemaName": "cap",
    "ordinal": 1,
    "type": {
     "text": "Capability",
     "kind": "Capability"
    },
    "doc": "The capability itself, possibly attenuated. Attenuation travels with\nit: the receiver can narrow it further but never widen it."
   },
   {
    "name": "interface-id",
    "schemaName": "interfaceId",
    "ordinal": 2,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "The Cap'n Proto id of the interface `cap` implements (for example\nHost's id from system.capnp), so that the receiver can pick the typed\nclient and map Glia's `:method` keywords to ordinals. Zero when the\nissuer does not know it; the receiver then treats `cap` as untyped."
   }
  ]
 },
 {
  "name": "Header",
  "id": "0xacc828177e285386",
  "file": "http.capnp",
  "doc": "One HTTP header. A name may occur more than once.",
  "fields": [
   {
    "name": "name",
    "schemaName": "name",
    "ordinal": 0,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The header name; compared without regard to case."
   },
   {
    "name": "value",
    "schemaName": "value",
    "ordinal": 1,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The header value."
   }
  ]
 },
 {
  "name": "Limits",
  "id": "0xb108afd457f4f811",
  "file": "system.capnp",
  "doc": "Resource limits for one cell. Zero means the node's default. A value\nabove the node's ceiling is lowered to the ceiling, so no cell runs\nunbounded. A cell that exceeds a limit is killed without harming the\nnode.",
  "fields": [
   {
    "name": "wall-clock-ms",
    "schemaName": "wallClockMs",
    "ordinal": 0,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "How long the cell may live, in milliseconds of wall-clock time."
   },
   {
    "name": "cpu-ms",
    "schemaName": "cpuMs",
    "ordinal": 1,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "How much CPU time the cell may use, in milliseconds."
   },
   {
    "name": "memory-bytes",
    "schemaName": "memoryBytes",
    "ordinal": 2,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "The most linear memory the cell may hold, in bytes."
   },
   {
    "name": "output-bytes",
    "schemaName": "outputBytes",
    "ordinal": 3,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "The most the cell may write to stdout and stderr together, in bytes."
   }
  ]
 },
 {
  "name": "LoginChallenge",
  "id": "0xee1493cf578a4d82",
  "file": "auth.capnp",
  "doc": "What a Signer signs to log in through a Terminal, in the domain\n`ww/terminal/login`, as canonical Cap'n Proto bytes. It names the node\nso that a challenge relayed from another node is refused by a signer\nthat checks, and names the epoch and a nonce so that it cannot be\nreplayed.",
  "fields": [
   {
    "name": "terminal",
    "schemaName": "terminal",
    "ordinal": 0,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "Peer id of the node whose Terminal issued the challenge. A client\nsigner checks it is the node it meant to log in to."
   },
   {
    "name": "nonce",
    "schemaName": "nonce",
    "ordinal": 1,
    "type": {
     "text": "Data",
     "kind": "Data"
    },
    "doc": "32 random bytes, fresh for this login and accepted once."
   },
   {
    "name": "epoch-seq",
    "schemaName": "epochSeq",
    "ordinal": 2,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "The `seq` of the epoch the session will belong to."
   },
   {
    "name": "epoch-head",
    "schemaName": "epochHead",
    "ordinal": 3,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The `head` of that epoch, so that the challenge names exactly one."
   },
   {
    "name": "issued-at-ms",
    "schemaName": "issuedAtMs",
    "ordinal": 4,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "When the Terminal issued the challenge, in milliseconds since the Unix\nepoch."
   }
  ]
 },
 {
  "name": "PeerInfo",
  "id": "0x985ca9bd95df668c",
  "file": "routing.capnp",
  "doc": "A peer on the network and where to reach it.",
  "fields": [
   {
    "name": "peer-id",
    "schemaName": "peerId",
    "ordinal": 0,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The peer's libp2p id, as a string (`12D3KooW...`)."
   },
   {
    "name": "addrs",
    "schemaName": "addrs",
    "ordinal": 1,
    "type": {
     "text": "List(Text)",
     "kind": "List",
     "element": {
      "text": "Text",
      "kind": "Text"
     }
    },
    "doc": "The peer's known multiaddrs, as strings (`/ip4/1.2.3.4/tcp/2025`)."
   }
  ]
 },
 {
  "name": "Provenance",
  "id": "0xfabb5940365486cc",
  "file": "membrane.capnp",
  "doc": "Who or what advanced the epoch, and when.",
  "fields": [
   {
    "name": "previous-head",
    "schemaName": "previousHead",
    "ordinal": 0,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The head of the epoch this one replaced; empty for the first epoch."
   },
   {
    "name": "source",
    "schemaName": "source",
    "ordinal": 1,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "What advanced the epoch, as a short keyword: `boot` (the node\nstarted), `admin` (POST /epoch/advance on the admin server), `ipns`\n(the IPNS name the node follows resolved to a new image) or `chain`\n(a confirmed head of the Atom contract the node follows)."
   },
   {
    "name": "reason",
    "schemaName": "reason",
    "ordinal": 2,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "Free text given with the advance, for the audit log; may be empty."
   },
   {
    "name": "adopted-at-ms",
    "schemaName": "adoptedAtMs",
    "ordinal": 3,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "When this node adopted the epoch, in milliseconds since the Unix epoch."
   }
  ]
 },
 {
  "name": "Response",
  "id": "0xa8622767d60ebf5d",
  "file": "http.capnp",
  "doc": "The response to a request.",
  "fields": [
   {
    "name": "status",
    "schemaName": "status",
    "ordinal": 0,
    "type": {
     "text": "UInt16",
     "kind": "UInt16"
    },
    "doc": "The HTTP status code, such as 200 or 404."
   },
   {
    "name": "headers",
    "schemaName": "headers",
    "ordinal": 1,
    "type": {
     "text": "List(Header)",
     "kind": "List",
     "element": {
      "text": "Header",
      "kind": "Struct",
      "name": "Header"
     }
    },
    "doc": "The response headers, in the order received, names in lower case."
   },
   {
    "name": "body",
    "schemaName": "body",
    "ordinal": 2,
    "type": {
     "text": "Data",
     "kind": "Data"
    },
    "doc": "The response body, decoded from any content-encoding."
   }
  ]
 },
 {
  "name": "Value",
  "id": "0x97836baff54c0abc",
  "file": "glia.capnp",
  "doc": "A Glia value crossing vats: data, and capabilities by reference.\nFunctions, atoms and other local state cannot cross.",
  "fields": [
   {
    "name": "nil",
    "schemaName": "nil",
    "ordinal": 0,
    "type": {
     "text": "Void",
     "kind": "Void"
    },
    "doc": "nil."
   },
   {
    "name": "bool",
    "schemaName": "bool",
    "ordinal": 1,
    "type": {
     "text": "Bool",
     "kind": "Bool"
    },
    "doc": "true or false."
   },
   {
    "name": "int",
    "schemaName": "int",
    "ordinal": 2,
    "type": {
     "text": "Int64",
     "kind": "Int64"
    },
    "doc": "An integer that fits in 64 bits."
   },
   {
    "name": "bigint",
    "schemaName": "bigint",
    "ordinal": 3,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "A larger integer, in decimal."
   },
   {
    "name": "float",
    "schemaName": "float",
    "ordinal": 4,
    "type": {
     "text": "Float64",
     "kind": "Float64"
    },
    "doc": "A floating-point number."
   },
   {
    "name": "text",
    "schemaName": "text",
    "ordinal": 5,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "A string."
   },
   {
    "name": "keyword",
    "schemaName": "keyword",
    "ordinal": 6,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "A keyword, without the colon (`ns/name` when qualified)."
   },
   {
    "name": "symbol",
    "schemaName": "symbol",
    "ordinal": 7,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "A symbol."
   },
   {
    "name": "bytes",
    "schemaName": "bytes",
    "ordinal": 8,
    "type": {
     "text": "Data",
     "kind": "Data"
    },
    "doc": "A byte array."
   },
   {
    "name": "list",
    "schemaName": "list",
    "ordinal": 9,
    "type": {
     "text": "List(Value)",
     "kind": "List",
     "element": {
      "text": "Value",
      "kind": "Struct",
      "name": "Value"
     }
    },
    "doc": "A list (or any sequence)."
   },
   {
    "name": "vector",
    "schemaName": "vector",
    "ordinal": 10,
    "type": {
     "text": "List(Value)",
     "kind": "List",
     "element": {
      "text": "Value",
      "kind": "Struct",
      "name": "Value"
     }
    },
    "doc": "A vector."
   },
   {
    "name": "map",
    "schemaName": "map",
    "ordinal": 11,
    "type": {
     "text": "List(Entry)",
     "kind": "List",
     "element": {
      "text": "Entry",
      "kind": "Struct",
      "name": "Entry"
     }
    },
    "doc": "A map, entry by entry."
   },
   {
    "name": "set",
    "schemaName": "set",
    "ordinal": 12,
    "type": {
     "text": "List(Value)",
     "kind": "List",
     "element": {
      "text": "Value",
      "kind": "Struct",
      "name": "Value"
     }
    },
    "doc": "A set."
   },
   {
    "name": "cap",
    "schemaName": "cap",
    "ordinal": 13,
    "type": {
     "text": "CapRef",
     "kind": "Struct",
     "name": "CapRef"
    },
    "doc": "A capability, passed by reference (attenuation travels with it)."
   }
  ]
 },
 {
  "name": "Version",
  "id": "0x9f79fded68b5a2e8",
  "file": "state.capnp",
  "doc": "One version of a ref.",
  "fields": [
   {
    "name": "cid",
    "schemaName": "cid",
    "ordinal": 0,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The CID of its block."
   },
   {
    "name": "seq",
    "schemaName": "seq",
    "ordinal": 1,
    "type": {
     "text": "UInt64",
     "kind": "UInt64"
    },
    "doc": "Its sequence number: 1 for the first version, then one more each commit."
   },
   {
    "name": "prev-cid",
    "schemaName": "prevCid",
    "ordinal": 2,
    "type": {
     "text": "Text",
     "kind": "Text"
    },
    "doc": "The CID of the version before it, \"\" for the first."
   }
  ]
 }
];

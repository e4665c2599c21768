// The files `ww init NAME [--mode MODE]` writes: a small cell of that mode
// that builds and runs as-is, and a README that says how. Each mode's cell
// passes `ww check` as the cell its cell.edn declares.
export const INIT_MODES = ['http', 'raw', 'pid0', 'vat'] as const;
export type InitMode = (typeof INIT_MODES)[number];

interface ModeFiles {
  /** The cell.edn lines after :version: :mode, :entry, :export, :grants. */
  edn: string;
  source: string;
  /** How to run it, as README lines. */
  run: string;
  about: string;
}

function modeFiles(name: string, mode: InitMode): ModeFiles {
  const entry = `${name}.glia`;
  switch (mode) {
    case 'http': return {
      edn: ` :mode :http            ; (handle req) answers each HTTP request
 :entry "${entry}"
 ;; The capabilities the cell will call, each limited to these methods,
 ;; e.g. {host [:id :addrs :peers]}. None yet.
 :grants {}}`,
      source: `;; ${name}: an http cell. handle gets the request as a map
;;   {:method "GET" :path "/" :query "" :headers {...} :body ""}
;; and returns the response {:status 200 :headers {...} :body "..."}.
;; println goes to stderr (stdout carries the response).

(defn greeting [path]
  (str "hello from ${name}" (when (not= path "/") (str " at " path)) "\\n"))

(defn handle [req]
  (case (:method req)
    "GET" {:status 200
           :headers {"content-type" "text/plain; charset=utf-8"}
           :body (greeting (:path req))}
    {:status 405
     :headers {"allow" "GET"}
     :body "only GET\\n"}))
`,
      run: `ww cell run bin/${name}.wasm --mode http --request "GET /"`,
      about: 'In http mode `(handle req)` gets `{:method :path :query :headers :body}` and returns `{:status :headers :body}`; `println` goes to stderr.',
    };
    case 'raw': return {
      edn: ` :mode :raw             ; (main args) with stdin and stdout as plain streams
 :entry "${entry}"
 ;; The capabilities the cell will call, each limited to these methods,
 ;; e.g. {host [:id :addrs :peers]}. None yet.
 :grants {}}`,
      source: `;; ${name}: a raw cell. main gets the spawn's arguments as a vector of
;; strings; println writes stdout, (perform :stdin) reads the rest of stdin
;; as a string, and an integer result is the exit code.

(defn greeting [who]
  (str "hello, " who " from ${name}"))

(defn main [args]
  (println (greeting (if (seq args) (first args) "world")))
  0)
`,
      run: `ww cell run bin/${name}.wasm --arg you`,
      about: 'In raw mode `(main args)` gets the arguments, writes stdout with `println`, reads stdin with `(perform :stdin)`; an integer result is the exit code.',
    };
    case 'pid0': return {
      edn: ` :mode :pid0            ; (main args), its grants over stdin/stdout
 :entry "${entry}"
 ;; The capabilities the cell will call, each limited to these methods.
 :grants {host [:id]}}`,
      source: `;; ${name}: a pid0 cell, the kind a node runs as its first process. main
;; gets the spawn's arguments; stdin and stdout carry the cell's Cap'n
;; Proto connection to its membrane, so println goes to stderr, and the
;; grants cell.edn declares arrive over it: here host, limited to :id.

(defn peer-id []
  ;; Whoever spawns the cell decides what it is handed; ww cell run hands nothing.
  (try (perform host :id)
       (catch _ e (str "no host: " (ex-message e)))))

(defn main [args]
  (println "${name} running as" (peer-id) "with" (count args) "arguments")
  0)
`,
      run: `ww cell run bin/${name}.wasm --arg a   # main on its own (raw mode), with no grants`,
      about: 'In pid0 mode `(main args)` runs with its grants (here `host`, limited to `:id`) grafted over stdin and stdout, which carry Cap\'n Proto; `println` goes to stderr. A node spawns it and hands it the grants; `ww cell run` runs `main` with none.',
    };
    case 'vat': return {
      edn: ` :mode :vat             ; serves the defcap named by :export to its peer
 :export greeter
 :entry "${entry}"
 ;; The capabilities the cell will call, each limited to these methods,
 ;; e.g. {host [:id :addrs :peers]}. None yet.
 :grants {}}`,
      source: `;; ${name}: a vat cell. It serves the capability cell.edn names in
;; :export (greeter) to whoever spawns it, over Cap'n Proto on stdin and
;; stdout; its state lives as long as the spawn. The peer calls
;;   (perform greeter :greet "you")   ; => "hello, you from ${name}"

(def greeted (atom 0))

(defcap greeter
  :greet (fn [who] (swap! greeted inc) (str "hello, " who " from ${name}"))
  :count (fn [] @greeted))
`,
      run: `ww cell run bin/${name}.wasm --mode vat   # stdin and stdout now speak Cap'n Proto: a peer's job`,
      about: 'In vat mode the top-level `defcap` that `:export` names is the cell\'s bootstrap capability: its peer calls its methods over Cap\'n Proto (`Process.bootstrap`), one at a time.',
    };
  }
}

export function scaffold(name: string, mode: InitMode = 'http'): Record<string, string> {
  const m = modeFiles(name, mode);
  return {
    'cell.edn': `;; A Glia cell project (doc/cells.md, "Glia cells"). ww build reads this.
{:name "${name}"
 :version "0.1.0"
${m.edn}
`,
    [`${name}.glia`]: m.source,
    'README.md': `# ${name}

A Wetware cell written in Glia (${mode} mode). It runs as a WebAssembly
component with no authority except the grants in \`cell.edn\`.

\`\`\`sh
ww check ${name}.glia                      # checked as the cell cell.edn declares
ww build                                   # -> bin/${name}.wasm, prints its CID
${m.run}
\`\`\`

- \`cell.edn\`: the project: name, version, mode (\`:http\`, \`:raw\`, \`:pid0\`
  or \`:vat\`), entry file and grants (\`{host [:id :addrs]}\`: the
  capabilities the cell will call, each limited to those methods).
- \`${name}.glia\`: the cell. ${m.about}
- \`bin/\`: the built component (not source; rebuild it).

See doc/cells.md in Wetware for the modes and protocols and doc/cli.md for
\`ww build\`.
`,
    '.gitignore': 'bin/\n',
  };
}

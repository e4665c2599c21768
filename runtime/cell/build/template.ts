// The files `ww init NAME` writes: a small http cell that builds and runs
// as-is, and a README that says how.
export function scaffold(name: string): Record<string, string> {
  return {
    'cell.edn': `;; A Glia cell project (doc/cells.md, "Glia cells"). ww build reads this.
{:name "${name}"
 :version "0.1.0"
 :mode :http            ; :http calls (handle req); :raw calls (main args)
 :entry "${name}.glia"
 ;; The capabilities the cell will call, each limited to these methods,
 ;; e.g. {host [:id :addrs :peers]}. None yet.
 :grants {}}
`,
    [`${name}.glia`]: `;; ${name}: an http cell. handle gets the request as a map
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
    'README.md': `# ${name}

A Wetware cell written in Glia. It runs as a WebAssembly component with no
authority except the grants in \`cell.edn\`.

\`\`\`sh
ww build                                   # -> bin/${name}.wasm, prints its CID
ww cell run bin/${name}.wasm --mode http --request "GET /"
\`\`\`

- \`cell.edn\`: the project: name, version, mode (\`:http\` or \`:raw\`), entry
  file and grants (\`{host [:id :addrs]}\`: the capabilities the cell will
  call, each limited to those methods).
- \`${name}.glia\`: the cell. In http mode \`(handle req)\` gets
  \`{:method :path :query :headers :body}\` and returns
  \`{:status :headers :body}\`. In raw mode \`(main args)\` reads stdin with
  \`(perform :stdin)\` and writes stdout with \`println\`; an integer result is
  the exit code.
- \`bin/\`: the built component (not source; rebuild it).

See doc/cells.md in Wetware for the protocols and doc/cli.md for \`ww build\`.
`,
    '.gitignore': 'bin/\n',
  };
}

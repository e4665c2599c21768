;; Eval benchmark, nbb side (ClojureScript on Node through SCI).
;;
;; The same programs as bench/eval/programs.glia, written once in Clojure.
;; Runs standalone:  node_modules/.bin/nbb bench/eval/programs.cljs
;; bench/eval.ts runs this file in ONE nbb process, so nbb's startup is not
;; counted, and reads the JSON lines it prints (one per program).
;;
;; Timing policy (keep in step with bench/eval.ts): up to BENCH_WARMUP
;; warm-up runs (fewer once a run is slower than BENCH_SLOW_MS), then
;; BENCH_RUNS timed runs (3 if a warm-up run was slower than BENCH_SLOW_MS,
;; and no new run once BENCH_BUDGET_MS of timed runs have passed); the
;; median is reported. BENCH_PROGRAMS (comma-separated) selects programs.

;; --- the programs -----------------------------------------------------------

(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))

(defn run-fib30 [] (fib 30))

(defn run-loop1e6 []
  (loop [i 0 acc 0] (if (< i 1000000) (recur (inc i) (+ acc i)) acc)))

(defn run-mapfilterreduce []
  (reduce + (filter even? (map inc (range 100000)))))

(defn run-swap-assoc []
  (let [a (atom {})]
    (loop [i 0]
      (if (< i 100000)
        (do (swap! a assoc i i) (recur (inc i)))
        nil))
    (count @a)))

(defn depth [n] (if (= n 0) 0 (inc (depth (dec n)))))

;; --- the harness --------------------------------------------------------------

(defn env-num [k default]
  (let [v (aget (.-env js/process) k)
        n (when v (js/Number v))]
    (if (and n (not (js/isNaN n))) n default)))

(def warmup-max (env-num "BENCH_WARMUP" 5))
(def runs-max (env-num "BENCH_RUNS" 21))
(def slow-ms (env-num "BENCH_SLOW_MS" 2000))
(def budget-ms (env-num "BENCH_BUDGET_MS" 30000))
(def depth-cap (env-num "BENCH_MAX_DEPTH" 1048576))

(def selected
  (let [v (aget (.-env js/process) "BENCH_PROGRAMS")]
    (when (and v (not= v ""))
      (set (.split v ",")))))

(defn selected? [name] (or (nil? selected) (contains? selected name)))

(defn emit [m] (println (js/JSON.stringify (clj->js m))))

;; BENCH_CLOCK=cpu: the process's CPU time instead of the wall clock (bench/eval.ts says why).
(def cpu-clock? (= "cpu" (aget (.-env js/process) "BENCH_CLOCK")))

(defn now []
  (if cpu-clock?
    (let [u (js/process.cpuUsage)] (/ (+ (.-user u) (.-system u)) 1000))
    (js/performance.now)))

(defn time-once [f]
  (let [t0 (now)
        v (f)
        t1 (now)]
    [(- t1 t0) v]))

(defn median [xs]
  (let [s (vec (sort xs))
        n (count s)]
    (if (odd? n)
      (nth s (quot n 2))
      (/ (+ (nth s (dec (quot n 2))) (nth s (quot n 2))) 2))))

(defn measure [f]
  (let [warm (loop [k 0 last-ms 0 v nil]
               (if (or (>= k warmup-max) (> last-ms slow-ms))
                 [last-ms v]
                 (let [[ms v] (time-once f)] (recur (inc k) ms v))))
        n (if (> (first warm) slow-ms) (min 3 runs-max) runs-max)]
    (loop [k 0 total 0 times [] v (second warm)]
      (if (or (>= k n) (and (pos? k) (>= total budget-ms)))
        {:median_ms (median times) :runs_ms times :result (pr-str v)}
        (let [[ms v] (time-once f)]
          (recur (inc k) (+ total ms) (conj times ms) v))))))

(defn bench [name f]
  (when (selected? name)
    (emit (try
            (assoc (measure f) :program name)
            (catch :default e
              {:program name :error (str (or (.-message e) e))})))))

(defn survives? [n]
  (try (= n (depth n)) (catch :default _ false)))

;; Double until it fails (or reaches the cap), then bisect until the bracket
;; is within 5% of the largest depth that worked.
(defn search-depth []
  (let [[lo hi] (loop [lo 0 n 100]
                  (cond (>= lo depth-cap) [depth-cap nil]
                        (survives? (min n depth-cap)) (recur (min n depth-cap) (* 2 n))
                        :else [lo (min n depth-cap)]))]
    (if (nil? hi)
      lo
      (loop [lo lo hi hi]
        (if (<= (- hi lo) (max 1 (* 0.05 lo)))
          lo
          (let [mid (js/Math.floor (/ (+ lo hi) 2))]
            (if (survives? mid) (recur mid hi) (recur lo mid))))))))

;; Best of three searches, after a warm-up: how deep V8 gets varies with the
;; state of its JIT (optimised frames differ in size from interpreted ones).
;; bench/eval.ts does the same.
(defn max-depth []
  (dotimes [_ 200] (survives? (min 1000 depth-cap)))
  (loop [k 0 best 0]
    (if (or (>= k 3) (>= best depth-cap))
      best
      (recur (inc k) (max best (search-depth))))))

(bench "fib30" run-fib30)
(bench "loop1e6" run-loop1e6)
(bench "mapfilterreduce" run-mapfilterreduce)
(bench "swap-assoc" run-swap-assoc)

(when (selected? "deep-recursion")
  (emit (try
          {:program "deep-recursion" :max_depth (max-depth) :depth_cap depth-cap}
          (catch :default e
            {:program "deep-recursion" :error (str (or (.-message e) e))}))))

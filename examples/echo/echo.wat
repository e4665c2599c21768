;; A raw byte-stream cell: copies stdin to stdout, byte for byte, until
;; stdin ends. Served with :listen-stream, each inbound stream runs a fresh
;; copy of it with the stream on its stdin and stdout.
;;
;; It is a WASI 0.2 command: it imports the four functions it calls by
;; their component-model names and exports wasi:cli/run. `ww build` embeds
;; the WIT and makes the component. It asks for no grants: it can reach
;; nothing but its own stdio.
(module
  (import "wasi:cli/stdin@0.2.12" "get-stdin" (func $get_stdin (result i32)))
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]input-stream.blocking-read"
    (func $read (param i32 i64 i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (memory (export "memory") 2)

  ;; The host lowers each read's bytes into memory it allocates through
  ;; cabi_realloc: hand out the same buffer at 1024 every time (one read
  ;; is written out before the next is made).
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $in i32) (local $out i32)
    (local.set $in (call $get_stdin))
    (local.set $out (call $get_stdout))
    (loop $again
      ;; result<list<u8>, stream-error> at 16: the tag (0 = ok), then (ptr, len)
      (call $read (local.get $in) (i64.const 65536) (i32.const 16))
      (if (i32.eqz (i32.load8_u (i32.const 16)))
        (then
          ;; result<_, stream-error> at 32 (a failed write ends the loop at the next read)
          (call $write (local.get $out) (i32.load (i32.const 20)) (i32.load (i32.const 24)) (i32.const 32))
          (br $again))))
    ;; stdin ended (or failed): exit 0, which closes the stream
    (i32.const 0)))

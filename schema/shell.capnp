@0xaf63c8c36f9244a2;
# A remote Glia REPL.

interface Shell {
  # One Glia session, like the REPL's: definitions made by one eval stay
  # for the next. It has only the capabilities it was given when made.

  eval @0 (source :Text) -> (value :Text, output :Text, error :Text);
  # Reads and evaluates every form in `source`, in order. `value` is the
  # printed (readable) value of the last form, `output` is what the forms
  # printed, and `error` is empty on success. On failure `error` holds the
  # diagnostic as the CLI prints it (code, message, span and hint), `value`
  # is empty, and `output` still holds what was printed before the error.
  # Forms evaluated before a failing one keep their effects.
}

// What `help` prints in the shell's terminal app. doc/shell.md says the
// same at more length; keep the two in step.
export const SHELL_HELP = `Type Glia forms; Enter evaluates once they balance, otherwise it opens a new line.

Keys:
  Enter            evaluate (or a new line while a form is open)
  Alt-Enter, Ctrl-J  a new line, always
  Tab              complete a name, an alias/ member, or a method after (perform cap :
  Up, Down         move between lines; on the first or last line, walk the history
  Ctrl-R           search the history backwards (again: older; Enter takes it; Esc leaves)
  Ctrl-A, Ctrl-E   start, end of the line      Alt-B, Alt-F  a word left, right
  Ctrl-K, Ctrl-U   cut to the end, to the start of the line   Ctrl-W  cut a word back
  Ctrl-C           stop the running evaluation, or clear the line
  Ctrl-D           exit (on an empty line)

In the shell:
  (doc f)          a function's docstring       (describe cap)  a capability's methods
  :more            the last folded value in full
  help             this text`;

// What a bench's main() prints with console.log, kept as lines, with its
// exit code: the smoke tests check the lines' shape, never their figures.
export async function benchLines(main: (args: string[]) => Promise<number>, args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try {
    return { code: await main(args), lines };
  } finally {
    console.log = log;
  }
}

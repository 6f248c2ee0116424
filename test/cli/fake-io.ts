// The CLI in-process through a fake Io: argv and stdin in, exit code and both streams out (no processes spawned).

import type { Io } from "../../src/cli/commands.js";
import { PLAIN } from "../../src/cli/render.js";
import { run } from "../../src/cli/run.js";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(argv: string[], stdin = ""): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => stdin,
    stdinLines: async function* () {
      yield* stdin.split("\n");
    },
    outColors: PLAIN,
    errColors: PLAIN,
  };
  const code = await run(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

// Dispatch and exit codes: 0 success, 1 user error, failed check or (matcalc check) a claim that is not the
// derivative, 2 usage error (for matcalc check also an error in its expression or claim), 70 internal error.

import { toErrorInfo } from "../diagnostics/errors.js";
import { VERSION } from "../version.js";
import { UsageError, parseCommand } from "./args.js";
import { type Io, checkCommand, demoCommand, diffCommand, jsonCommand } from "./commands.js";
import { HELP } from "./help.js";

export const EXIT = { ok: 0, user: 1, usage: 2, internal: 70 } as const;

export async function run(argv: readonly string[], io: Io, debug = false): Promise<number> {
  try {
    const cmd = parseCommand(argv);
    switch (cmd.kind) {
      case "help":
        io.out(HELP[cmd.topic].trimEnd());
        return EXIT.ok;
      case "version":
        io.out(VERSION);
        return EXIT.ok;
      case "diff":
        return await diffCommand(cmd.opts, io);
      case "check":
        return await checkCommand(cmd.opts, io);
      case "json":
        return await jsonCommand(io);
      case "demo":
        return demoCommand(io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`matcalc: ${e.message}`);
      io.err(`try 'matcalc ${e.helpTopic === "main" ? "" : `${e.helpTopic} `}--help'`);
      return EXIT.usage;
    }
    const info = toErrorInfo(e);
    io.err(info.code === "internal" ? info.message : `internal error: ${info.message}`);
    if (debug && e instanceof Error && e.stack) io.err(e.stack);
    else io.err("this is a bug in matcalc; rerun with MATCALC_DEBUG=1 for details and please report it");
    return EXIT.internal;
  }
}

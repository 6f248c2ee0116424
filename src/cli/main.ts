#!/usr/bin/env node
// The `matcalc` executable: wires process streams into run() and sets the exit code.

import { createInterface } from "node:readline";
import type { Io } from "./commands.js";
import { Painter } from "./render.js";
import { run } from "./run.js";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("matcalc: reading the expression from stdin (end it with Ctrl-D)\n");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

// `matcalc demo | head` closes the pipe early: that is not an error.
for (const s of [process.stdout, process.stderr]) {
  s.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const io: Io = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  readStdin,
  stdinLines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
  outColors: new Painter(process.stdout),
  errColors: new Painter(process.stderr),
};

process.exitCode = await run(process.argv.slice(2), io, process.env.MATCALC_DEBUG === "1");

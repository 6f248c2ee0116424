// JSON Lines driver for the request contract: one response line per non-blank input line, in order.
// Pure (no Node APIs): the caller supplies the lines and the writer (process stdin/stdout in the CLI).

import { MatcalcError } from "../diagnostics/errors.js";
import { type Response, failure, handleRequest } from "./request.js";

/** Longest accepted input line, in UTF-8 bytes. */
export const MAX_LINE_BYTES = 2 * 1024 * 1024;

const encoder = new TextEncoder();

function utf8Length(s: string): number {
  // every UTF-16 unit takes at least one byte and at most three
  if (s.length > MAX_LINE_BYTES) return s.length;
  if (s.length * 3 <= MAX_LINE_BYTES) return 0;
  return encoder.encode(s).length;
}

/** The response to one input line (1-based line number for messages); null for a blank line. */
export function respondToLine(line: string, lineNo: number): Response | null {
  const bytes = utf8Length(line);
  if (bytes > MAX_LINE_BYTES) {
    const message = `line ${lineNo}: request too large: ${bytes} bytes (the limit is ${MAX_LINE_BYTES})`;
    return failure(null, new MatcalcError("too-large", message));
  }
  if (line.trim() === "") return null;
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return failure(null, new MatcalcError("usage", `line ${lineNo}: invalid JSON: ${why}`));
  }
  return handleRequest(req);
}

/** Serialises a response as one line (non-finite numbers become null, as JSON has no NaN). */
export function responseLine(r: Response): string {
  try {
    return JSON.stringify(r);
  } catch (e) {
    // e.g. an id that JSON cannot hold again (cannot happen for parsed JSON, but the API is public)
    return JSON.stringify(failure(null, e));
  }
}

/**
 * Answers every line of `input` (one line per item, without its newline) through `write`: one JSON line per
 * non-blank line, in order. Never stops early: a bad line gets an error response and the next one is read.
 */
export async function runJsonLines(input: AsyncIterable<string>, write: (line: string) => void): Promise<void> {
  let lineNo = 0;
  for await (const chunk of input) {
    // normally one line per item; tolerate items that hold several lines
    for (const raw of chunk.includes("\n") ? chunk.split("\n") : [chunk]) {
      lineNo++;
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      const r = respondToLine(line, lineNo);
      if (r) write(responseLine(r));
    }
  }
}

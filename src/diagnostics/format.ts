// Compiler-style rendering of errors: header, location, the source line and the span underlined with carets.
// Pure string work on UTF-16 offsets; the displayed line is sanitised (tabs expanded, controls replaced,
// long lines cut to a window around the span) so the carets always line up under what they point at.

const TAB_WIDTH = 4;
/** Lines longer than this (in display columns) are shown as a window around the span. */
const MAX_SHOWN = 120;
const CONTEXT_BEFORE = 40;

/** 1-based line and column of a UTF-16 offset (clamped into [0, source.length]); columns count UTF-16 units. */
export function lineCol(source: string, offset: number): { line: number; col: number } {
  const at = clamp(offset, source.length);
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i >= 0 && i < at; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: at - lineStart + 1 };
}

export function formatError(
  source: string,
  err: { code: string; message: string; span: readonly [number, number] | null },
): string {
  const header = `error[${err.code}]: ${err.message}`;
  if (err.span === null) return header;
  const start = clamp(err.span[0], source.length);
  const end = Math.max(start, clamp(err.span[1], source.length));
  const { line, col } = lineCol(source, start);
  const lineStart = start - (col - 1);
  let lineEnd = source.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  if (lineEnd > lineStart && source.charCodeAt(lineEnd - 1) === 13) lineEnd--; // CRLF
  const { text, caretFrom, caretLen } = displayLine(source, lineStart, lineEnd, start, end);
  const num = String(line);
  const pad = " ".repeat(num.length);
  return [
    header,
    `${pad}--> ${line}:${col}`,
    `${pad} |`,
    `${num} | ${text}`.trimEnd(),
    `${pad} | ${" ".repeat(caretFrom)}${"^".repeat(caretLen)}`,
  ].join("\n");
}

interface Shown {
  readonly text: string;
  /** Display column (0-based) where the carets begin, and how many there are (at least one). */
  readonly caretFrom: number;
  readonly caretLen: number;
}

/** Renders source[lineStart, lineEnd) for display and places the span [start, end) on it. */
function displayLine(source: string, lineStart: number, lineEnd: number, start: number, end: number): Shown {
  const cells: string[] = []; // one display string per code point
  const colAt: number[] = []; // display column where each cell begins
  let startCol = -1;
  let endCol = -1;
  let column = 0;
  for (let i = lineStart; i < lineEnd; ) {
    if (i >= start && startCol < 0) startCol = column;
    if (i >= end && endCol < 0) endCol = column;
    const cp = source.codePointAt(i) ?? 0;
    const cell = displayChar(cp, column);
    cells.push(cell);
    colAt.push(column);
    column += cell.length;
    i += cp > 0xffff ? 2 : 1;
  }
  if (startCol < 0) startCol = column; // span starts at the line end (newline or end of input)
  if (endCol < 0) endCol = column + (end > lineEnd ? 1 : 0); // span runs past the line end
  const caretLen = Math.max(1, endCol - startCol);
  if (column <= MAX_SHOWN) return { text: cells.join(""), caretFrom: startCol, caretLen };
  return windowed(cells, colAt, column, startCol, caretLen);
}

/** Cuts a long line to about MAX_SHOWN columns around the span, marking the cuts with "...". */
function windowed(cells: string[], colAt: number[], width: number, startCol: number, caretLen: number): Shown {
  const from = Math.max(0, startCol - CONTEXT_BEFORE);
  const to = Math.min(width, from + MAX_SHOWN);
  let text = "";
  let firstCol = -1;
  for (let k = 0; k < cells.length; k++) {
    const c = colAt[k]!;
    if (c < from || c >= to) continue;
    if (firstCol < 0) firstCol = c;
    text += cells[k];
  }
  if (firstCol < 0) firstCol = from;
  const prefix = from > 0 ? "..." : "";
  const suffix = to < width ? "..." : "";
  const caretFrom = prefix.length + startCol - firstCol;
  return { text: prefix + text + suffix, caretFrom, caretLen: Math.min(caretLen, Math.max(1, to - startCol)) };
}

/** Tabs become spaces up to the next tab stop; control and other invisible characters become "?". */
function displayChar(cp: number, column: number): string {
  if (cp === 9) return " ".repeat(TAB_WIDTH - (column % TAB_WIDTH));
  const ch = String.fromCodePoint(cp);
  if (cp < 32 || (cp >= 0x7f && cp < 0xa0) || /[\p{Cs}\p{Cf}\p{Zl}\p{Zp}]/u.test(ch)) return "?";
  return ch;
}

function clamp(offset: number, length: number): number {
  if (!Number.isFinite(offset) || offset < 0) return 0;
  return Math.min(Math.floor(offset), length);
}

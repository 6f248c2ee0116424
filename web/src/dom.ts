// Small DOM helpers for a page without a UI framework: element creation, math rendering, copying, downloading.
// Everything user-supplied goes in as text nodes or KaTeX output (trust off): nothing is parsed as HTML or run.

import katex from "katex";

type Child = Node | string | null | undefined | false;

/** An element with attributes (true: present, false/undefined: absent) and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Longer LaTeX is not typeset: KaTeX would hold the page for seconds (or run it out of memory) on one formula. */
export const MAX_TYPESET_CHARS = 20_000;

/**
 * Typeset LaTeX into an element (display style); a formula KaTeX cannot read is shown as red source, not thrown.
 * A formula longer than MAX_TYPESET_CHARS is shown as plain text (`text`, else its LaTeX) with a note saying why.
 */
export function math(latex: string, display = true, text?: string): HTMLElement {
  if (latex.length > MAX_TYPESET_CHARS) {
    const shown = text ?? latex;
    return h(
      "div",
      { class: "math untypeset" },
      h("p", { class: "too-long" }, `Too long to typeset (${latex.length.toLocaleString("en")} characters of LaTeX): shown as text${text === undefined ? " (LaTeX)" : ""}.`),
      h("pre", { class: "formula-text", tabindex: 0 }, shown),
    );
  }
  const el = h("div", { class: display ? "math display" : "math" });
  katex.render(latex, el, { displayMode: display, throwOnError: false, trust: false, strict: "ignore" });
  return el;
}

/** Copies text to the clipboard; false when the browser refuses. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h("textarea", { "aria-hidden": "true", class: "offscreen" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** Saves text as a file (a local blob, no network). */
export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const a = h("a", { href: url, download: filename, class: "offscreen" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A button that copies what get() returns and says so for a moment. */
export function copyButton(label: string, get: () => string, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = h("button", { type: "button", class: "small", ...attrs }, label);
  b.addEventListener("click", () => {
    void copyText(get()).then((ok) => {
      b.textContent = ok ? "Copied" : "Copy failed";
      setTimeout(() => (b.textContent = label), 1200);
    });
  });
  return b;
}

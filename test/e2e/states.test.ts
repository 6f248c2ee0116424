// The page's states in a real browser: a long job superseded and stopped, answers marked as the previous one, table
// edits bound to their text, the language reference and completion, warnings, a skipped check, the user's own
// derivative, small screens, accessibility (axe-core), opening from disk, the offline cache and the transfer size.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../src/shape/functions.js";
import {
  type OpenOptions,
  type Site,
  act,
  answerSeq,
  axeViolations,
  buildSite,
  derivativeText,
  editorText,
  launch,
  openPage,
  pasteExpression,
  removeDir,
  screenshot,
  serve,
  settled,
  typeExpression,
} from "./harness.js";

let outDir = "";
let site: Site;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  outDir = await buildSite();
  site = await serve(outDir);
  browser = await launch();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (outDir) removeDir(outDir);
});

const pages: Page[] = [];
/** A fresh page; the previous test's pages are closed first, so no engine keeps working in the background. */
async function open(opts: OpenOptions = {}): Promise<Page> {
  for (const p of pages.splice(0)) await p.context().close();
  const page = await openPage(browser, site.url, pageErrors, opts);
  pages.push(page);
  return page;
}

/** 40 005 characters: a derivative that takes the engine many seconds, so a job is surely running. */
const HEAVY = `tr(${"A*X*".repeat(10_000)}B)`;
/** The 10 005 characters of the issue: answered in seconds, with a derivative far too long to typeset. */
const LONG = `tr(${"A*X*".repeat(2500)}B)`;

async function badge(page: Page): Promise<{ status: string | null; text: string }> {
  return page.$eval("#result", (el) => ({
    status: el.querySelector("#check")?.getAttribute("data-status") ?? null,
    text: (el.querySelector("#check") as HTMLElement | null)?.innerText ?? "",
  }));
}

async function waitComputing(page: Page): Promise<void> {
  await page.waitForSelector("#progress[data-state=computing] #stop", { timeout: 20_000 });
}

describe("the page's states", () => {
  it("never gets stuck: a long job shows its elapsed time, a newer edit supersedes it, and Stop ends it", { timeout: 120_000 }, async () => {
    const page = await open();
    expect(await derivativeText(page)).toBe("(A + A')*x");
    await pasteExpression(page, HEAVY);
    await waitComputing(page);
    // the elapsed time counts up, and the old answer is marked as the previous one
    await page.waitForFunction(() => Number(document.getElementById("progress")?.dataset.elapsedMs) >= 1000, undefined, { timeout: 20_000 });
    expect(await page.textContent("#progress .elapsed")).toMatch(/^Computing… \d+\.\d s$/);
    expect(await page.getAttribute("#answer", "data-fresh")).toBe("previous");
    await page.waitForSelector("#previous-note", { state: "visible" });
    expect(await page.textContent("#previous-note")).toBe("Previous answer: for the input before your last change.");
    expect(await derivativeText(page)).toBe("(A + A')*x");
    expect(await page.getAttribute("#code", "data-fresh")).toBe("previous");
    await screenshot(page, "state-computing", false);

    // a trivial expression typed meanwhile is answered: the long job is abandoned, its answer never shown
    await page.evaluate(() => {
      const shown: number[] = [];
      (window as unknown as { shown: number[] }).shown = shown;
      const result = document.getElementById("result")!;
      new MutationObserver(() =>
        shown.push(result.querySelector("[data-role=derivative] .formula")?.getAttribute("data-text")?.length ?? 0),
      ).observe(result, { attributes: true, attributeFilter: ["data-seq"] });
    });
    const before = await answerSeq(page);
    await typeExpression(page, "x'*x");
    await settled(page, before);
    expect(await derivativeText(page)).toBe("2*x");
    const shown = await page.evaluate(() => (window as unknown as { shown: number[] }).shown);
    expect(shown.every((length) => length < 100)).toBe(true);
    expect((await badge(page)).status).toBe("PASS");
    expect(await page.getAttribute("#answer", "data-fresh")).toBe("current");
    expect(await page.getAttribute("#code", "data-fresh")).toBe("current");
    expect(await page.locator("#previous-note").count()).toBe(0);
    expect(await page.isHidden("#progress")).toBe(true);

    // Stop ends a long job; the answer on show stays marked as the previous one
    await pasteExpression(page, HEAVY);
    await waitComputing(page);
    await page.click("#stop");
    await page.waitForSelector("#progress[data-state=stopped]");
    expect(await page.textContent("#progress")).toMatch(/^Stopped after \d+\.\d s\. Edit the expression, or Run again$/);
    expect(await page.getAttribute("#answer", "data-fresh")).toBe("previous");
    expect(await derivativeText(page)).toBe("2*x");
    expect(await page.evaluate(() => document.body.dataset.busy)).toBeUndefined();
    await screenshot(page, "state-stopped", false);
    // and the page answers the next edit at once
    await act(page, () => typeExpression(page, "tr(X*A)"));
    expect(await derivativeText(page)).toBe("A'");
  });

  it("answers the 10 000-character product as text, too long to typeset, and goes on answering", { timeout: 120_000 }, async () => {
    const page = await open();
    const before = await answerSeq(page);
    await pasteExpression(page, LONG);
    await page.waitForFunction(
      (prev) => Number(document.getElementById("result")?.dataset.seq ?? 0) > prev && document.body.dataset.busy === undefined,
      before,
      { timeout: 90_000 },
    );
    expect(await page.textContent("[data-role=derivative] .too-long")).toMatch(
      /^Too long to typeset \([0-9,]+ characters of LaTeX\): shown as text\.$/,
    );
    expect((await page.textContent("[data-role=derivative] pre.formula-text"))!.length).toBeGreaterThan(10_000);
    await screenshot(page, "state-too-long-to-typeset", false);
    await act(page, () => typeExpression(page, "x'*x"));
    expect(await derivativeText(page)).toBe("2*x");
  });

  it("keeps code and steps from holding up the derivative", async () => {
    const page = await open();
    await act(page, () => page.click("#steps summary"));
    await act(page, () => page.click("#tab-ts"));
    for (const [expr, expected] of [["tr(X*A)", "A'"], ["x'*x", "2*x"], ["logdet(X)", "inv(X)'"]] as const) {
      await act(page, () => typeExpression(page, expr));
      expect(await derivativeText(page)).toBe(expected);
      expect(await page.getAttribute("#code-panel", "data-state")).toMatch(/^(ok|unsupported)$/);
      expect(await page.getAttribute("#steps-body", "data-state")).toMatch(/^(ok|unsupported)$/);
    }
  });

  it("binds table edits to their text: said next to the answer, dropped when the whole text is replaced", async () => {
    const page = await open();
    await act(page, () => typeExpression(page, "tr(A*X)"));
    await act(page, () => page.selectOption("#wrt", "X"));
    await act(page, () => page.check("#var-X-symmetric"));
    expect(await page.textContent("#table-edits")).toMatch(/^X: symmetric\([mn]\), set in the tableReset table edits$/);
    expect(await derivativeText(page)).toBe("(A + A')/2");
    await screenshot(page, "state-table-edits");
    // editing the text keeps them, and says so
    await act(page, async () => {
      await page.click(".cm-content");
      await page.keyboard.press("End");
      await page.keyboard.type(" + tr(X)");
    });
    expect(await page.textContent("#table-edits")).toMatch(/^X: symmetric\([mn]\), set in the table/);
    // pasting a new problem over the whole text starts fresh
    await act(page, () => pasteExpression(page, "sum(log(1 + exp(-y.*(X*w))))"));
    if ((await page.inputValue("#wrt")) !== "w") await act(page, () => page.selectOption("#wrt", "w"));
    expect(await derivativeText(page)).toBe("-X'*(y .* sigmoid(-y .* (X*w)))");
    expect(await page.locator("#table-edits").count()).toBe(0);
    expect(await page.textContent("#vars tr[data-var=X] .origin")).toBe("inferred");
    expect(await page.isChecked("#var-X-symmetric")).toBe(false);
    expect(new URL(page.url()).hash).not.toContain("vars=");
    // the reset button next to the answer drops them too
    await act(page, () => page.check("#var-X-symmetric"));
    expect(await page.textContent("#table-edits")).toMatch(/^X: symmetric\([mn]\), set in the table/);
    await act(page, () => page.click("#reset-edits"));
    expect(await page.locator("#table-edits").count()).toBe(0);
    expect(await page.textContent("#vars tr[data-var=X] .origin")).toBe("inferred");
    // an edit of a variable the text no longer has is dropped with it
    await act(page, () => typeExpression(page, "tr(A*X)"));
    await act(page, () => page.check("#var-X-symmetric"));
    expect(new URL(page.url()).hash).toContain("vars=");
    await act(page, async () => {
      await page.click(".cm-content");
      await page.keyboard.press("End");
      for (let i = 0; i < 3; i++) await page.keyboard.press("Backspace");
      await page.keyboard.type(")");
    });
    expect(await editorText(page)).toBe("tr(A)");
    expect(new URL(page.url()).hash).not.toContain("vars=");
    await act(page, async () => {
      await page.keyboard.press("Backspace");
      await page.keyboard.type("*X)");
    });
    expect(await page.locator("#table-edits").count()).toBe(0);
    expect(await page.textContent("#vars tr[data-var=X] .origin")).toBe("inferred");
    // an example starts fresh as well
    await act(page, () => page.check("#var-X-diagonal"));
    await act(page, () => page.selectOption("#examples", "logdet"));
    expect(await page.locator("#table-edits").count()).toBe(0);
    expect(await derivativeText(page)).toBe("inv(X)'");
  });

  it("never shows variables or assumptions that contradict the answer", async () => {
    const page = await open();
    await act(page, () => typeExpression(page, "tr(A*X*B"));
    expect(await page.getAttribute("#vars-section", "data-state")).toBe("stale");
    expect(await page.isVisible("#stale-note")).toBe(true);
    expect(await page.textContent("#stale-note")).toBe("The expression has an error: these are the variables of the last one that compiled.");
    // the assumptions sit under the same note as the table they describe
    expect(await page.$eval("#vars-section", (s) => s.contains(document.getElementById("assumptions")))).toBe(true);
    // an expression that compiles but has no derivative: its own variables, and no assumptions
    await act(page, () => typeExpression(page, "x'*A*x + foo(x)"));
    if ((await page.getAttribute("#vars-section", "data-state")) === "current") {
      expect(await page.textContent("#assumptions")).toBe("none: the expression has an error");
    } else {
      expect(await page.isVisible("#stale-note")).toBe(true);
    }
    await act(page, () => typeExpression(page, "tr(A*X*B)"));
    expect(await page.getAttribute("#vars-section", "data-state")).toBe("current");
    expect(await page.isVisible("#stale-note")).toBe(false);
    expect(await page.textContent("#assumptions")).toContain("X: matrix");
  });

  it("has a language reference reachable from the editor, generated from the engine's function table", async () => {
    const page = await open();
    await page.click("#reference-open");
    await page.waitForSelector("#reference[open]");
    for (const name of Object.keys(FUNCTIONS)) expect(await page.locator(`#reference [data-fn="${name}"]`).count(), name).toBe(1);
    const text = await page.textContent("#reference");
    for (const s of ["S: spd(n)", "a … g", "h … z", "A … Z", "numerator layout", "A .* B"]) expect(text).toContain(s);
    await screenshot(page, "state-reference");
    expect(await axeViolations(page)).toEqual([]);
    await page.fill("#reference-filter", "logdet");
    expect(await page.isVisible('#reference [data-fn="logdet"]')).toBe(true);
    expect(await page.isVisible('#reference [data-fn="sin"]')).toBe(false);
    await page.keyboard.press("Escape");
    expect(await page.locator("#reference[open]").count()).toBe(0);

    // F1 in the editor opens it; a function clicked there goes in at the cursor
    await act(page, () => typeExpression(page, "x'*x + "));
    await page.keyboard.press("F1");
    await page.waitForSelector("#reference[open]");
    await page.click('#reference [data-fn="logdet"]');
    expect(await page.locator("#reference[open]").count()).toBe(0);
    await page.keyboard.type("X)");
    expect(await editorText(page)).toBe("x'*x + logdet(X)");

    // completion of function names while typing
    await typeExpression(page, "logd");
    await page.waitForSelector(".cm-tooltip-autocomplete");
    expect(await page.textContent(".cm-tooltip-autocomplete")).toContain("logdet");
    await page.click(".cm-tooltip-autocomplete li:has-text('logdet')");
    await act(page, () => page.keyboard.type("X)"));
    expect(await editorText(page)).toBe("logdet(X)");
    expect(await derivativeText(page)).toBe("inv(X)'");
  });

  it("shows the engine's warnings next to the answer", async () => {
    const page = await open();
    await act(page, () => typeExpression(page, "norm2(X*w - y)^2 + lambda*w'*w"));
    if ((await page.inputValue("#wrt")) !== "w") await act(page, () => page.selectOption("#wrt", "w"));
    expect(await page.getAttribute("#warnings li", "data-code")).toBe("guessed-kind");
    expect(await page.textContent("#warnings li")).toBe(
      "lambda was taken as a vector from its first letter, which makes f a vector; declare `lambda: scalar` if it is one",
    );
    expect(await page.isVisible("#warnings")).toBe(true);
    await screenshot(page, "state-warning");
    await act(page, () => typeExpression(page, "x'*A*x"));
    expect(await page.locator("#warnings").count()).toBe(0);
  });

  it("says on the badge itself why a check was skipped", async () => {
    const page = await open();
    await act(page, () => typeExpression(page, "sum(log(-exp(x)))"));
    const b = await badge(page);
    expect(b.status).toBe("SKIPPED");
    expect(b.text).toMatch(/^SKIPPED\s+not checked: random values leave the domain of log: argument -[0-9.e-]+ is not positive\s+New seed$/);
    expect(b.text).not.toContain("NaN");
    expect(b.text).not.toContain("worst relative error");
    await screenshot(page, "state-skipped");
  });

  it("checks the user's own derivative in its own request", async () => {
    const page = await open();
    const verdict = async (claim: string): Promise<string> => {
      const before = await page.$eval("#claim-result", (el) => Number((el as HTMLElement).dataset.seq ?? 0));
      await page.fill("#claim", claim);
      await page.waitForFunction(
        (prev) => Number(document.getElementById("claim-result")?.dataset.seq ?? 0) > prev,
        before,
        { timeout: 20_000 },
      );
      return (await page.getAttribute("#claim-result", "data-state"))!;
    };
    expect(await page.textContent("#claim-wrt")).toBe("x");
    expect(await verdict("(A + A')*x")).toBe("agrees");
    expect(await page.textContent("#claim-result .verdict")).toMatch(/^Agrees with the derivative \(relative difference [0-9.e+-]+\)\.$/);
    expect(await verdict("2*A*x")).toBe("disagrees");
    expect(await page.textContent("#claim-result .verdict")).toMatch(/^Does not agree/);
    expect(await page.locator("#claim-result .claim-correct .katex").count()).toBe(1);
    await screenshot(page, "state-claim");
    // a claim that does not parse marks itself and leaves the answer alone
    expect(await verdict("A*x +")).toBe("claim-error");
    expect(await page.textContent("#claim-result")).toContain("Your derivative has an error");
    expect(await page.locator("#claim-result mark").count()).toBe(1);
    expect(await derivativeText(page)).toBe("(A + A')*x");
    expect((await badge(page)).status).toBe("PASS");
    expect(await page.locator(".cm-lintRange-error, .cm-lintPoint-error").count()).toBe(0);
    // a verdict is for the expression it was given with: a new expression checks the claim again
    await page.fill("#claim", "2*x");
    await page.waitForSelector("#claim-result[data-state=disagrees]");
    const seq = Number(await page.getAttribute("#claim-result", "data-seq"));
    await act(page, () => typeExpression(page, "x'*x"));
    await page.waitForFunction((prev) => Number(document.getElementById("claim-result")?.dataset.seq) > prev, seq);
    expect(await page.getAttribute("#claim-result", "data-state")).toBe("agrees");
  });

  it("fits a phone: wide formulas scroll with a visible hint, code wraps and is reachable by keyboard", async () => {
    const page = await open({ viewport: { width: 375, height: 740 } });
    await act(page, () => page.selectOption("#examples", "quantum"));
    const { scrollWidth, width } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(width);
    expect(await page.$eval("[data-role=derivative]", (el) => el.classList.contains("overflows"))).toBe(true);
    expect(await page.isVisible("[data-role=derivative] .scroll-hint")).toBe(true);
    expect(await page.getAttribute("[data-role=derivative] .formula", "tabindex")).toBe("0");
    await screenshot(page, "state-phone-formula");
    await act(page, () => page.selectOption("#examples", "least-squares"));
    await page.waitForSelector("#code-panel[data-state=ok] pre.code");
    expect(await page.$eval("#code-panel pre.code", (el) => getComputedStyle(el).whiteSpace)).toBe("pre-wrap");
    const { codeScroll, codeWidth } = await page.$eval("#code-panel pre.code", (el) => ({ codeScroll: el.scrollWidth, codeWidth: el.clientWidth }));
    expect(codeScroll).toBeLessThanOrEqual(codeWidth);
    // Tab from the last button before the code reaches the code block
    await page.focus("#code-panel button:has-text('Download')");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.matches("#code-panel pre.code"))).toBe(true);
    await screenshot(page, "state-phone");
    expect(await axeViolations(page)).toEqual([]);
  });

  it("passes axe-core's checks in its states, and its copy buttons are named by their text", { timeout: 120_000 }, async () => {
    const page = await open();
    expect(await axeViolations(page)).toEqual([]);
    const copies = await page.$$eval("[data-copy]", (els) => els.map((b) => ({ text: b.textContent, label: b.getAttribute("aria-label") })));
    expect(copies.filter((c) => c.text?.startsWith("Copy ")).length).toBeGreaterThanOrEqual(4);
    for (const c of copies) expect(c.label).toBeNull();
    for (const name of ["Copy function LaTeX", "Copy function text", "Copy derivative LaTeX", "Copy derivative text"]) {
      expect(await page.getByRole("button", { name, exact: true }).count(), name).toBe(1);
    }
    await act(page, () => typeExpression(page, "x'*A*x + foo(x)"));
    expect(await axeViolations(page)).toEqual([]);
    await pasteExpression(page, HEAVY);
    await waitComputing(page);
    await page.waitForSelector("#previous-note", { state: "visible" });
    // the parts these states change (the rest of the page is as checked above)
    expect(await axeViolations(page, ["#progress", "#answer"])).toEqual([]);
    await page.click("#stop");
    await page.waitForSelector("#progress[data-state=stopped]");
    expect(await axeViolations(page, ["#progress", "#answer"])).toEqual([]);
    const dark = await openPage(browser, site.url, pageErrors, { colorScheme: "dark" });
    pages.push(dark);
    await act(dark, () => typeExpression(dark, "norm2(X*w - y)^2 + lambda*w'*w"));
    expect(await axeViolations(dark)).toEqual([]);
  });

  it("opens from disk (file://) and answers", async () => {
    for (const p of pages.splice(0)) await p.context().close();
    const page = await openPage(browser, `file://${join(outDir, "index.html")}`, pageErrors);
    pages.push(page);
    expect(await derivativeText(page)).toBe("(A + A')*x");
    expect((await badge(page)).status).toBe("PASS");
    await act(page, () => typeExpression(page, "tr(X*A)"));
    expect(await derivativeText(page)).toBe("A'");
  });

  it("reloads and works without a network after one visit", async () => {
    const page = await open();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.context().setOffline(true);
    const requests = site.requests.length;
    await page.reload();
    await settled(page, 0);
    expect(await derivativeText(page)).toBe("(A + A')*x");
    await act(page, () => typeExpression(page, "logdet(X)"));
    expect(await derivativeText(page)).toBe("inv(X)'");
    expect(site.requests.length).toBe(requests);
    await page.context().setOffline(false);
  });

  it("transfers at most 400 kB (gzip) before the first answer, fonts loaded as needed", async () => {
    const before = site.requests.length;
    const page = await open({ serviceWorkers: "block" });
    await page.evaluate(() => document.fonts.ready.then(() => true));
    const paths = site.requests.slice(before);
    const gzipped = paths.map((p) => {
      const file = join(outDir, p.endsWith("/") ? `${p}index.html` : p);
      return gzipSync(readFileSync(file)).length;
    });
    const total = gzipped.reduce((a, b) => a + b, 0);
    console.log(`[transfer] before the first answer: ${paths.length} files, ${(total / 1000).toFixed(0)} kB gzip (${paths.join(", ")})`);
    expect(total).toBeLessThanOrEqual(400_000);
    expect(readFileSync(join(outDir, "index.html"), "utf8")).not.toContain("font/woff2;base64");
    expect(paths.filter((p) => p.endsWith(".woff2")).length).toBeLessThan(8);
    expect(await derivativeText(page)).toBe("(A + A')*x");
  });

  it("logs no errors", () => {
    expect(pageErrors).toEqual([]);
  });
});

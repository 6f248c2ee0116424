// The web page in a real browser (Debian's chromium via playwright-core): typing, diagnostics, controls, the
// variables table, shared links, every example, code and steps panels, keyboard use, phone size, dark mode.

import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "../../web/src/examples.js";
import { decodeState, encodeState } from "../../web/src/state.js";
import {
  type Site,
  act,
  buildSite,
  derivativeText,
  launch,
  removeDir,
  screenshot,
  serve,
  settled,
  typeExpression,
} from "./harness.js";

let outDir = "";
let site: Site;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Console errors and uncaught exceptions of every page, checked at the end. */
const pageErrors: string[] = [];

beforeAll(async () => {
  outDir = await buildSite();
  site = await serve(outDir);
  browser = await launch();
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await site?.close();
  if (outDir) removeDir(outDir);
});

interface OpenOptions {
  readonly hash?: string;
  readonly viewport?: { width: number; height: number };
  readonly colorScheme?: "light" | "dark";
}

/** A fresh page at the site (optionally with a hash), once its first answer is shown. */
async function open(opts: OpenOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    colorScheme: opts.colorScheme ?? "light",
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`${m.text()} (${page.url()})`);
  });
  page.on("pageerror", (e) => pageErrors.push(`${e.message} (${page.url()})`));
  await page.goto(site.url + (opts.hash ?? ""));
  await settled(page, 0);
  return page;
}

async function badgeStatus(page: Page): Promise<string | null> {
  return page.$eval("#result", (el) => el.querySelector("#check")?.getAttribute("data-status") ?? null);
}

async function varNames(page: Page): Promise<string[]> {
  return page.$$eval("#vars tbody tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.var ?? ""));
}

describe("the web page", () => {
  it("renders the derivative of a typed expression, with its check (latency logged)", async () => {
    const page = await open();
    expect(await derivativeText(page)).toBe("(A + A')*x");
    for (const [expr, wrt, expected] of [
      ["tr(A*X*B)", "X", "A'*B'"],
      ["logdet(X)", "X", "inv(X)'"],
      ["norm2(A*x - b)^2", "x", "2*A'*(A*x - b)"],
      ["sum(log(1 + exp(-y.*(X*w))))", "w", "-X'*(y .* sigmoid(-y .* (X*w)))"],
    ] as const) {
      await act(page, () => typeExpression(page, expr, 20));
      if ((await page.inputValue("#wrt")) !== wrt) await act(page, () => page.selectOption("#wrt", wrt));
      expect(await derivativeText(page)).toBe(expected);
      expect(await badgeStatus(page)).toBe("PASS");
      expect(await page.locator("#result [data-role=derivative] .katex").count()).toBeGreaterThan(0);
    }
    await act(page, () => typeExpression(page, "tr(X'*A*X)", 20));
    expect(await derivativeText(page)).toBe("(A + A')*X");
    expect(await varNames(page)).toEqual(["X", "A"]);
    await screenshot(page, "typed-expression");

    // latency: typed at a steady pace, from the last keystroke to the checked derivative on screen (the page
    // measures it with performance.now(); logged, not asserted)
    const latencies: number[] = [];
    for (const expr of ["x'*A*x", "tr(X*A)", "logdet(X) + tr(X)", "norm2(A*x - b)^2", "sum(exp(x))", "x'*x", "tr(X'*X)", "det(X)"]) {
      await act(page, () => typeExpression(page, expr, 40));
      expect(await badgeStatus(page)).toBe("PASS");
      latencies.push(Number(await page.$eval("#result", (el) => (el as HTMLElement).dataset.latencyMs)));
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `[latency] last keystroke -> checked derivative on screen, ${latencies.length} typical expressions: ` +
        `${latencies.map((x) => x.toFixed(0)).join(", ")} ms; median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, ` +
        `max ${sorted.at(-1)!.toFixed(1)} ms (debounce included)`,
    );
  });

  it("underlines the culprit of a bad expression and explains it under the editor and on hover", async () => {
    const page = await open();
    await act(page, () => typeExpression(page, "x'*A*x + foo(x)"));
    expect(await page.locator(".cm-lintRange-error").textContent()).toBe("foo");
    const caret = await page.textContent("#diagnostic pre");
    expect(caret).toContain("error[unknown-function]: unknown function 'foo'");
    expect(caret).toContain("--> 1:10");
    expect(caret!.split("\n").at(-1)).toBe("  |          ^^^");
    expect(await page.getAttribute("#error", "data-code")).toBe("unknown-function");
    await page.hover(".cm-lintRange-error");
    await page.waitForSelector(".cm-tooltip-lint", { timeout: 5000 });
    expect(await page.textContent(".cm-tooltip-lint")).toContain("unknown function 'foo'");
    await screenshot(page, "diagnostic-span");

    await act(page, () => typeExpression(page, "tr(A*X*B"));
    expect(await page.locator(".cm-lintPoint-error").count()).toBe(1);
    expect(await page.textContent("#diagnostic pre")).toContain("--> 1:9");
    // the point marker sits at the end of the text, where ')' is missing
    const marker = await page.locator(".cm-lintPoint-error").boundingBox();
    const last = await page.evaluate(() => {
      const line = document.querySelector(".cm-line")!;
      const range = document.createRange();
      range.selectNodeContents(line);
      return range.getBoundingClientRect().right;
    });
    expect(Math.abs(marker!.x + marker!.width / 2 - last)).toBeLessThan(8);
    // the variables of the last good expression stay, marked stale
    expect(await page.$eval("#vars-section", (t) => t.classList.contains("stale"))).toBe(true);

    await act(page, () => typeExpression(page, "tr(A*X*B)"));
    expect(await page.locator(".cm-lintRange-error, .cm-lintPoint-error").count()).toBe(0);
    expect(await page.textContent("#diagnostic")).toBe("");
  });

  it("updates the result when the variable, the order or the layout changes", async () => {
    const page = await open();
    await act(page, () => page.selectOption("#wrt", "A"));
    expect(await derivativeText(page)).toBe("x*x'");
    await act(page, () => page.selectOption("#wrt", "x"));
    await act(page, () => page.selectOption("#order", "2"));
    expect(await derivativeText(page)).toBe("A + A'");
    expect(await page.textContent("#kind")).toContain("hessian");
    expect(await badgeStatus(page)).toBe("PASS");
    // third order by a vector is a tensor: index notation, or a coded "unsupported" where the engine has none
    await act(page, () => page.selectOption("#order", "3"));
    expect(["ok", "unsupported"]).toContain(await page.getAttribute("#result", "data-state"));
    expect(await derivativeText(page)).not.toBe("A + A'");
    await act(page, () => page.selectOption("#order", "1"));
    await act(page, () => typeExpression(page, "A*x"));
    expect(await derivativeText(page)).toBe("A");
    await act(page, () => page.selectOption("#layout", "denominator"));
    expect(await derivativeText(page)).toBe("A'");
    expect(await page.textContent("#convention")).toContain("denominator layout");
  });

  it("turns edits in the variables table into declarations", async () => {
    const page = await open();
    expect(await page.textContent("#vars tr[data-var=A] .origin")).toBe("inferred");
    // dimensions: a number for x fixes A's size through unification
    await act(page, () => page.fill("#var-x-rows", "3"));
    expect(await page.inputValue("#var-A-rows")).toBe("3");
    expect(await page.textContent("#assumptions")).toContain("x: vector(3)");
    expect(await page.textContent("#vars tr[data-var=x] .origin")).toBe("edited");
    // props
    await act(page, () => page.check("#var-A-symmetric"));
    expect(await derivativeText(page)).toBe("2*A*x");
    expect(await page.textContent("#assumptions")).toContain("A: symmetric(3)");
    // an invalid dimension is marked and not sent
    await page.fill("#var-x-rows", "3x");
    expect(await page.getAttribute("#var-x-rows", "aria-invalid")).toBe("true");
    // kind: x as a scalar makes x'*A*x a matrix function of a scalar
    await act(page, () => page.selectOption("#var-x-kind", "scalar"));
    expect(await page.textContent("#kind")).toContain("derivative");
    // reset returns both to what the expression implies
    await act(page, () => page.click("#vars tr[data-var=x] button"));
    await act(page, () => page.click("#vars tr[data-var=A] button"));
    expect(await page.textContent("#vars tr[data-var=A] .origin")).toBe("inferred");
    expect(await derivativeText(page)).toBe("(A + A')*x");
    expect(new URL(page.url()).hash).not.toContain("vars=");

    // a variable declared in the text: the edit rewrites its declaration
    await act(page, () => page.selectOption("#examples", "gaussian-mu"));
    expect(await page.textContent("#vars tr[data-var=Sigma] .origin")).toBe("declared");
    await act(page, () => page.check("#var-Sigma-diagonal"));
    const text = await page.$eval(".cm-content", (el) => (el as HTMLElement).innerText);
    expect(text.split("\n")[0]).toBe("Sigma: spd(n) diagonal(n)");
    expect(await page.textContent("#assumptions")).toContain("Sigma: spd(n) diagonal(n)");
    expect(await badgeStatus(page)).toBe("PASS");
    // and undo restores it
    await act(page, async () => {
      await page.click(".cm-content");
      await page.keyboard.press("Control+Z");
    });
    expect(await page.isChecked("#var-Sigma-diagonal")).toBe(false);
  });

  it("shows the differential, and the index notation or the engine's message in its place", async () => {
    const page = await open();
    await act(page, () => page.check("input[name=notation][value=differential]"));
    const df = await derivativeText(page);
    expect(df).toMatch(/dx/);
    expect(await page.textContent("#result [data-role=derivative] .katex-mathml")).toContain("d");
    await act(page, () => page.check("input[name=notation][value=index]"));
    const message = await page.locator("#notation-message").count();
    if (message > 0) {
      expect(await page.textContent("#notation-message")).toMatch(/index notation/);
      expect(await derivativeText(page)).toBe("(A + A')*x"); // the matrix form still shows
    } else {
      expect(await page.locator("#result [data-role=derivative] .katex").count()).toBeGreaterThan(0);
    }
    expect(await badgeStatus(page)).toBe("PASS");
  });

  it("restores the whole page from a shared link", async () => {
    const page = await open();
    await act(page, () => page.selectOption("#examples", "ridge"));
    await act(page, () => page.selectOption("#wrt", "A"));
    await act(page, () => page.fill("#var-x-rows", "5"));
    await act(page, () => page.check("input[name=notation][value=differential]"));
    await act(page, () => page.click("#tab-torch"));
    await act(page, () => page.click("#steps summary"));
    await act(page, () => page.click("#new-seed"));
    const url = page.url();
    const hash = new URL(url).hash;
    expect(encodeState(decodeState(hash))).toBe(hash.slice(1));
    const state = decodeState(hash);
    expect(state).toMatchObject({ wrt: "A", notation: "differential", code: "torch", steps: true, seed: 2 });
    expect(state.vars.x).toEqual({ kind: "vector", dims: ["5"], props: [] });

    const copy = await open({ hash });
    expect(new URL(copy.url()).hash).toBe(hash);
    const snapshot = (p: Page) =>
      p.evaluate(() => ({
        text: document.querySelector(".cm-content")!.textContent,
        wrt: (document.getElementById("wrt") as HTMLSelectElement).value,
        order: (document.getElementById("order") as HTMLSelectElement).value,
        notation: (document.querySelector("input[name=notation]:checked") as HTMLInputElement).value,
        rows: (document.getElementById("var-x-rows") as HTMLInputElement).value,
        tab: document.querySelector("[role=tab][aria-selected=true]")!.id,
        steps: (document.getElementById("steps") as HTMLDetailsElement).open,
        result: document.getElementById("result")!.innerText,
        assumptions: document.getElementById("assumptions")!.innerText,
      }));
    const [a, b] = [await snapshot(page), await snapshot(copy)];
    expect(b).toEqual(a);
    expect(b.rows).toBe("5");
    expect(b.result).toContain("seed 2");
    await screenshot(copy, "shared-link");
  });

  it("loads every example; each verifies PASS or, for matrix-function derivatives, says cleanly what is missing", async () => {
    const page = await open();
    for (const x of EXAMPLES) {
      await act(page, () => page.selectOption("#examples", x.id));
      expect(await page.$eval(".cm-content", (el) => (el as HTMLElement).innerText.replace(/\u200b/g, ""))).toBe(x.expr);
      expect(await page.inputValue("#wrt")).toBe(x.wrt);
      const state = await page.getAttribute("#result", "data-state");
      if (state === "ok") {
        expect(await badgeStatus(page), x.id).toBe("PASS");
      } else {
        expect(x.matrixFunctions, `${x.id}: ${await page.textContent("#result")}`).toBe(true);
        expect(state).toBe("unsupported");
        expect(await page.textContent("#error p")).toMatch(/not supported yet/);
      }
      await screenshot(page, `example-${x.id}`);
    }
  });

  it("shows generated code and steps, or the engine's message, without hiding the derivative", async () => {
    const page = await open();
    await act(page, () => page.selectOption("#examples", "least-squares"));
    await act(page, () => page.click("#steps summary"));
    for (const target of ["numpy", "jax", "torch", "ts"]) {
      await act(page, () => page.click(`#tab-${target}`));
      expect(await page.getAttribute(`#tab-${target}`, "aria-selected")).toBe("true");
      const state = await page.getAttribute("#code-panel", "data-state");
      expect(["ok", "unsupported"]).toContain(state);
      if (state === "ok") {
        expect((await page.textContent("#code-panel pre"))!.length).toBeGreaterThan(10);
        const [file] = await Promise.all([
          page.waitForEvent("download"),
          page.click("#code-panel button:has-text('Download')"),
        ]);
        expect(file.suggestedFilename()).toMatch(target === "ts" ? /\.ts$/ : /\.py$/);
        expect(readFileSync(await file.path(), "utf8")).toBe(await page.textContent("#code-panel pre"));
      } else {
        expect(await page.getAttribute("#code-panel [data-code]", "data-code")).toBe("unsupported");
      }
      expect(await derivativeText(page)).toBe("2*A'*(A*x - b)");
    }
    const steps = await page.getAttribute("#steps-body", "data-state");
    expect(["ok", "unsupported"]).toContain(steps);
    if (steps === "ok") expect(await page.locator("#steps-body li").count()).toBeGreaterThan(0);
    else expect(await page.textContent("#steps-body")).toMatch(/steps/);
    await screenshot(page, "code-and-steps");
  });

  it("copies the derivative's LaTeX and text with one click each", async () => {
    const page = await open();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.url });
    await page.click("[data-copy=derivative-latex]");
    await page.waitForFunction(() => document.querySelector("[data-copy=derivative-latex]")?.textContent === "Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      "\\frac{\\partial f}{\\partial x} = \\left(A + A^\\top\\right) x",
    );
    await page.click("[data-copy=derivative-text]");
    await page.waitForFunction(() => document.querySelector("[data-copy=derivative-text]")?.textContent === "Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("(A + A')*x");
  });

  it("works with the keyboard alone", async () => {
    const page = await open();
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || "");
    // Tab from the top of the page to the editor
    for (let i = 0; i < 10 && !(await focused()).includes("cm-content"); i++) await page.keyboard.press("Tab");
    expect(await focused()).toContain("cm-content");
    await act(page, async () => {
      await page.keyboard.press("Control+A");
      await page.keyboard.type("tr(A*X*B)");
    });
    expect(await page.inputValue("#wrt")).toBe("A");
    // Tab leaves the editor (it does not insert a tab) and reaches the variable menu
    for (let i = 0; i < 5 && (await focused()) !== "wrt"; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("wrt");
    await act(page, () => page.keyboard.press("ArrowDown"));
    expect(await page.inputValue("#wrt")).toBe("X");
    expect(await derivativeText(page)).toBe("A'*B'");
    // code tabs: arrow keys move between them
    await page.focus("#tab-numpy");
    await act(page, () => page.keyboard.press("ArrowRight"));
    expect(await focused()).toBe("tab-jax");
    expect(await page.getAttribute("#tab-jax", "aria-selected")).toBe("true");
  });

  it("fits a phone screen and reads in light and dark modes", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const page = await open({ viewport: { width: 375, height: 740 }, colorScheme: scheme, hash: "" });
      await act(page, () => page.selectOption("#examples", "gaussian-sigma"));
      const { scrollWidth, width } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(width);
      const [bg, fg] = await page.evaluate(() => {
        const s = getComputedStyle(document.body);
        return [s.backgroundColor, s.color];
      });
      const lum = (c: string) => {
        const [r, g, b] = c.match(/\d+/g)!.map(Number);
        return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
      };
      if (scheme === "dark") expect(lum(bg)).toBeLessThan(0.2);
      else expect(lum(bg)).toBeGreaterThan(0.9);
      expect(Math.abs(lum(bg) - lum(fg))).toBeGreaterThan(0.6);
      await screenshot(page, `phone-${scheme}`);
    }
  });

  it("makes no network request after loading and logs no errors", async () => {
    const page = await open();
    // the offline cache fetches the page and its fonts once, after the first answer
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const after = site.requests.length;
    const seen: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(site.url)) seen.push(r.url());
    });
    for (const id of ["gaussian-sigma", "logistic", "trace-expm"]) await act(page, () => page.selectOption("#examples", id));
    await act(page, () => typeExpression(page, "tr(A*inv(X)*B) + det(X)"));
    await act(page, () => page.click("#tab-ts"));
    expect(seen.filter((u) => !u.startsWith("blob:") && !u.startsWith("data:"))).toEqual([]);
    expect(site.requests.length).toBe(after);
    const csp = await page.$eval("meta[http-equiv=Content-Security-Policy]", (m) => m.getAttribute("content"));
    expect(csp).toContain("connect-src 'none'");
    expect(pageErrors).toEqual([]);
  });
});

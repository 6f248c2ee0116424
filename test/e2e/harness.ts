// End-to-end harness: builds the page with Vite's API into a temporary folder, serves it from a tiny static server
// that logs every request, and launches Debian's chromium through playwright-core (no downloaded browser).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { build } from "vite";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** Debian's chromium, or the browser MATCALC_CHROMIUM names (scripts/test-setup.ts checks the same path). */
export const CHROMIUM = process.env.MATCALC_CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
export const SCREENSHOTS = join(REPO, "test-results", "screenshots");

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

export interface Site {
  readonly url: string;
  /** Every path requested from the server, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Builds web/ with the project's Vite config (production mode) into a fresh temporary folder. */
export async function buildSite(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "matcalc-web-"));
  await build({
    configFile: join(REPO, "web", "vite.config.ts"),
    mode: "production",
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** Serves a folder on 127.0.0.1 at a free port. */
export async function serve(dir: string): Promise<Site> {
  const root = resolve(dir);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    requests.push(path);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !isFile(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export async function launch(): Promise<Browser> {
  if (!isFile(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with 'apt-get install -y chromium' (npm test does this where it runs as root)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

// ---- page helpers ----

/** The seq of the answer on show (0 before the first). */
export async function answerSeq(page: Page): Promise<number> {
  return page.$eval("#result", (el) => Number((el as HTMLElement).dataset.seq ?? 0));
}

/** Waits until an answer newer than `after` is shown and no change is waiting. */
export async function settled(page: Page, after: number): Promise<void> {
  await page.waitForFunction(
    (prev) => {
      const seq = Number(document.getElementById("result")?.dataset.seq ?? 0);
      return seq > prev && document.body.dataset.busy === undefined;
    },
    after,
    { timeout: 20_000 },
  );
}

/** Runs an action and waits for the answer it causes. */
export async function act(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await answerSeq(page);
  await action();
  await settled(page, before);
}

/** Replaces the editor's text by typing it (select all, then type), as a user would. */
export async function typeExpression(page: Page, text: string, delay = 0): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text, { delay });
}

export async function derivativeText(page: Page): Promise<string | null> {
  return page.$eval("#result", (el) => el.querySelector("[data-role=derivative] .formula")?.getAttribute("data-text") ?? null);
}

export interface OpenOptions {
  readonly hash?: string;
  readonly viewport?: { width: number; height: number };
  readonly colorScheme?: "light" | "dark";
  /** "block" keeps the offline cache's service worker from registering (and fetching). */
  readonly serviceWorkers?: "allow" | "block";
}

/** A fresh context and page at `url` (console errors and uncaught exceptions go to `errors`), once its first answer shows. */
export async function openPage(browser: Browser, url: string, errors: string[], opts: OpenOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    colorScheme: opts.colorScheme ?? "light",
    serviceWorkers: opts.serviceWorkers ?? "allow",
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()} (${page.url()})`);
  });
  page.on("pageerror", (e) => errors.push(`${e.message} (${page.url()})`));
  await page.goto(url + (opts.hash ?? ""));
  await settled(page, 0);
  return page;
}

/** Replaces the whole text at once, as a paste over a selection of everything does. */
export async function pasteExpression(page: Page, text: string): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
}

export async function editorText(page: Page): Promise<string> {
  return page.$eval(".cm-content", (el) => (el as HTMLElement).innerText.replace(/\u200b/g, ""));
}

/** axe-core's violations on the page as it is now, or in the parts `include` selects (WCAG 2.1 A and AA rules, best practices, label-content-name-mismatch). */
export async function axeViolations(page: Page, include: string[] = []): Promise<string[]> {
  const { source } = (await import("axe-core")).default as unknown as { source: string };
  await page.evaluate(source);
  const result = await page.evaluate(async (include) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    return axe.run(include.length > 0 ? { include: include.map((e) => [e]) } : document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      rules: { "label-content-name-mismatch": { enabled: true } },
    });
  }, include);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
}

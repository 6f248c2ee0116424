// Build of the static page (web/ -> dist-web/): one index.html holding the page's script, its styles and the engine
// worker (so it also opens from disk, file://), KaTeX's fonts as files loaded as needed, and sw.js, the offline cache.

import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type Plugin, type Rollup, defineConfig } from "vite";

type OutputAsset = Rollup.OutputAsset;
type OutputChunk = Rollup.OutputChunk;

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The page's own inline script (by hash, filled in by singleFile), its engine worker (a blob: URL made from that
 * script) and service worker, fonts from its own folder; no fetch, no eval, no plugins, no frames.
 */
export function contentSecurityPolicy(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src '${scriptHash}'`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "img-src data: blob:",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

const CSP_PLACEHOLDER = "matcalc-content-security-policy";

/** KaTeX's CSS lists woff2, woff and ttf for each font; every current browser takes woff2, so keep only that. */
function katexWoff2Only(): Plugin {
  return {
    name: "matcalc:katex-woff2-only",
    enforce: "pre",
    transform(code, id) {
      if (!/katex(\.min)?\.css$/.test(id)) return null;
      return code.replace(/,\s*url\([^)]*\.woff\)\s*format\("woff"\)|,\s*url\([^)]*\.ttf\)\s*format\("truetype"\)/g, "");
    },
  };
}

/** Text safe inside <script> or <style>: no closing tag or comment opener can end the element early. */
function inlineSafe(code: string, tag: "script" | "style"): string {
  return code.replace(new RegExp(`</(${tag})`, "gi"), "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** The service worker: the page (network first, so updates arrive) and everything else from the cache first. */
function serviceWorker(version: string, files: readonly string[]): string {
  return `// matcalc's offline cache, written by web/vite.config.ts: the page and its fonts, so that it reloads offline.
const CACHE = ${JSON.stringify(`matcalc-${version}`)};
const PAGE = new URL("./index.html", self.registration.scope).href;
const FILES = ${JSON.stringify(["./index.html", ...files])}.map((f) => new URL(f, self.registration.scope).href);
self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (e) => {
  e.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("matcalc-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET" || new URL(req.url).origin !== location.origin) return;
  if (req.mode === "navigate") {
    e.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            e.waitUntil(caches.open(CACHE).then((c) => c.put(PAGE, copy)));
          }
          return res;
        })
        .catch(() => caches.match(PAGE).then((hit) => hit || Response.error())),
    );
    return;
  }
  e.respondWith(
    caches.match(req).then((hit) =>
      hit ||
      fetch(req).then((res) => {
        if (res.ok) {
          const copy = res.clone();
          e.waitUntil(caches.open(CACHE).then((c) => c.put(req, copy)));
        }
        return res;
      }),
    ),
  );
});
`;
}

/**
 * Inlines the entry script and the stylesheet into index.html (browsers refuse module scripts from file://), sets
 * the Content-Security-Policy with the inline script's hash, and writes sw.js listing the remaining files (fonts).
 */
function singleFile(): Plugin {
  return {
    name: "matcalc:single-file",
    apply: "build",
    enforce: "post",
    transformIndexHtml: () => [
      { tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: CSP_PLACEHOLDER }, injectTo: "head-prepend" },
    ],
    generateBundle(_options, bundle) {
      const html = bundle["index.html"] as OutputAsset | undefined;
      if (!html) return;
      let page = String(html.source);
      let scriptHash = "";
      for (const [name, item] of Object.entries(bundle)) {
        if (item.type === "chunk" && (item as OutputChunk).isEntry) {
          const tag = new RegExp(`<script type="module" crossorigin src="[^"]*${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"></script>`);
          if (!tag.test(page)) continue;
          const code = inlineSafe((item as OutputChunk).code, "script");
          scriptHash = `sha256-${createHash("sha256").update(code).digest("base64")}`;
          page = page.replace(tag, () => `<script type="module">${code}</script>`);
          delete bundle[name];
        } else if (item.type === "asset" && name.endsWith(".css")) {
          const tag = new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}">`);
          if (!tag.test(page)) continue;
          // urls in the stylesheet are relative to its folder; inlined, they are relative to the page
          const dir = name.slice(0, name.lastIndexOf("/") + 1);
          const css = String(item.source).replace(/url\((["']?)\.\/(?!\/)/g, (_m, q: string) => `url(${q}./${dir}`);
          page = page.replace(tag, () => `<style>${inlineSafe(css, "style")}</style>`);
          delete bundle[name];
        }
      }
      if (!scriptHash) this.error("single-file build: the entry script was not found in index.html");
      page = page.replace(CSP_PLACEHOLDER, contentSecurityPolicy(scriptHash));
      html.source = page;
      const files = Object.keys(bundle).filter((f) => f !== "index.html").map((f) => `./${f}`);
      const version = createHash("sha256").update(page).update(files.join()).digest("hex").slice(0, 12);
      this.emitFile({ type: "asset", fileName: "sw.js", source: serviceWorker(version, files) });
    },
  };
}

export default defineConfig({
  root,
  base: "./",
  plugins: [katexWoff2Only(), singleFile()],
  // a classic worker: Chromium refuses module workers from blob: URLs in pages opened from disk
  worker: { format: "iife" },
  build: {
    outDir: fileURLToPath(new URL("../dist-web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // fonts stay files, fetched only when a formula uses them; the worker is inlined by its ?worker&inline import
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: false,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
  preview: { host: "127.0.0.1", port: 4173 },
});

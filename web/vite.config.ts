// Build of the static page (web/ -> dist-web/): one HTML file, hashed assets, the engine in a module worker.
// KaTeX's woff2 fonts are inlined and a Content-Security-Policy forbids network access and eval in the built page.

import { fileURLToPath } from "node:url";
import { type Plugin, defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Scripts and styles from the page itself; fonts and icons inline; no fetch, no eval, no plugins, no frames. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src data:",
  "img-src data: blob:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

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

function contentSecurityPolicy(): Plugin {
  return {
    name: "matcalc:csp",
    apply: "build",
    transformIndexHtml: () => [
      { tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY }, injectTo: "head-prepend" },
    ],
  };
}

export default defineConfig({
  root,
  base: "./",
  plugins: [katexWoff2Only(), contentSecurityPolicy()],
  worker: { format: "es" },
  build: {
    outDir: fileURLToPath(new URL("../dist-web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: (file) => (file.endsWith(".woff2") ? true : undefined),
    chunkSizeWarningLimit: 2000,
  },
  preview: { host: "127.0.0.1", port: 4173 },
});

// The offline cache: the built page registers sw.js (written by the build, web/vite.config.ts), which keeps the page
// and its fonts so that it reloads without a network. Not from disk (file://), where browsers allow no service worker.

/** Registers the service worker once the page has loaded; a refusal (or no sw.js, as under `vite dev`) changes nothing. */
export function registerOfflineCache(): void {
  if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  const register = (): void => {
    navigator.serviceWorker.register("./sw.js").catch(() => {});
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}

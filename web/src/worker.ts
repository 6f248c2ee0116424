// The engine's thread: answers jobs from the page with computeMain, then computeExtras, then "done".
// Keeping the engine off the main thread keeps typing smooth whatever an expression costs.

import { type Extras, type Job, type MainAnswer, computeExtras, computeMain } from "./compute.js";

export type FromWorker =
  | { readonly type: "main"; readonly answer: MainAnswer }
  | { readonly type: "extras"; readonly extras: Extras }
  | { readonly type: "done"; readonly seq: number };

/** The worker's global scope, typed here so the page's sources need only the DOM library. */
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  postMessage(message: FromWorker): void;
};

scope.onmessage = (e) => {
  const job = e.data;
  try {
    const { answer, prepared } = computeMain(job);
    scope.postMessage({ type: "main", answer });
    if (answer.response.ok && (job.code !== null || job.steps)) {
      scope.postMessage({ type: "extras", extras: computeExtras(job, prepared) });
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const analysis = { ok: false, vars: [], wrt: job.wrt, wrtLatex: job.wrt };
    const response = { id: null, ok: false as const, error: { code: "internal" as const, message, span: null } };
    scope.postMessage({ type: "main", answer: { seq: job.seq, analysis, response, notation: null, diagnostic: null, ms: 0 } });
  } finally {
    scope.postMessage({ type: "done", seq: job.seq });
  }
};

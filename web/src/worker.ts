// The engine's thread: answers each task from the page (the derivative, code and steps, or a claim) with runTask.
// Keeping the engine off the main thread keeps typing smooth; the page terminates a worker that runs too long.

import { type Task, type TaskResult, runTask } from "./compute.js";

/** The worker's global scope, typed here so the page's sources need only the DOM library. */
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Task>) => void) | null;
  postMessage(message: TaskResult): void;
};

function internal(task: Task, message: string): TaskResult {
  const response = { id: null, ok: false as const, error: { code: "internal" as const, message, span: null } };
  if (task.kind === "main") {
    const analysis = { ok: false, vars: [], wrt: task.job.wrt, wrtLatex: task.job.wrt };
    return { kind: "main", seq: task.seq, answer: { seq: task.seq, analysis, response, notation: null, diagnostic: null, ms: 0 } };
  }
  if (task.kind === "extras") {
    const part = { ok: false as const, code: "internal", message };
    return { kind: "extras", seq: task.seq, extras: { seq: task.seq, code: task.job.code ? { target: task.job.code, part } : null, steps: task.job.steps ? part : null } };
  }
  return { kind: "claim", seq: task.seq, claim: { seq: task.seq, claim: task.claim, part: { ...part(message), inClaim: false, span: null } } };
}

const part = (message: string) => ({ ok: false as const, code: "internal", message });

scope.onmessage = (e) => {
  const task = e.data;
  let result: TaskResult;
  try {
    result = runTask(task);
  } catch (err) {
    result = internal(task, err instanceof Error ? err.message : String(err));
  }
  scope.postMessage(result);
};

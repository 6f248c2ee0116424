// The page's controller: one PageState, mirrored in the address's hash; every change sends a job to the engine
// workers (lane.ts) and answers are rendered as they come, each marked as the previous one until its input's arrives.

import "katex/dist/katex.min.css";
import "./styles.css";
import type { ClaimAnswer, Extras, Job, MainAnswer, Task, TaskResult, VarRow } from "./compute.js";
import { redeclare, typeWords } from "./declarations.js";
import { copyText, h } from "./dom.js";
import { createEditor } from "./editor.js";
import { EXAMPLES, type Example } from "./examples.js";
import { Lane } from "./lane.js";
import { CodeTabs, renderSteps } from "./panels.js";
import { ClaimBox } from "./claim.js";
import { Reference } from "./reference.js";
import { markOverflow, renderResult } from "./result.js";
import { DEFAULT_STATE, type Layout, type Notation, type PageState, decodeState, encodeState } from "./state.js";
import { VarsTable } from "./vars-table.js";
import EngineWorker from "./worker.ts?worker&inline";
import { registerOfflineCache } from "./offline.js";

/** Quiet time after a keystroke before the engine runs (keeps bursts of typing to one job). */
const DEBOUNCE_MS = 12;
/** A running derivative job may hold up a newer one this long before its worker is replaced by a fresh one. */
const MAIN_BUDGET_MS = 1000;
/** Code and steps of an input no longer on show are worth less: their worker is replaced sooner. */
const EXTRAS_BUDGET_MS = 250;
/** A job still running after this long shows "Computing…" with its elapsed time and a Stop button. */
const COMPUTING_AFTER_MS = 250;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  examples: $<HTMLSelectElement>("examples"),
  share: $<HTMLButtonElement>("share"),
  diagnostic: $<HTMLDivElement>("diagnostic"),
  wrt: $<HTMLSelectElement>("wrt"),
  order: $<HTMLSelectElement>("order"),
  layout: $<HTMLSelectElement>("layout"),
  notation: [...document.querySelectorAll<HTMLInputElement>("input[name=notation]")],
  vars: $<HTMLElement>("vars-section"),
  varsBody: $<HTMLTableElement>("vars").tBodies[0]!,
  assumptions: $<HTMLUListElement>("assumptions"),
  progress: $<HTMLDivElement>("progress"),
  answer: $<HTMLDivElement>("answer"),
  result: $<HTMLDivElement>("result"),
  timing: $<HTMLParagraphElement>("timing"),
  code: $<HTMLDivElement>("code"),
  steps: $<HTMLDetailsElement>("steps"),
  stepsBody: $<HTMLDivElement>("steps-body"),
  status: $<HTMLParagraphElement>("status"),
};

let state: PageState = decodeState(location.hash);

/** The fields of the state that the derivative depends on (code and steps do not change it). */
const answerKey = (s: PageState): string =>
  JSON.stringify([s.expr, s.vars, s.wrt, s.order, s.layout, s.notation, s.seed]);

// ---- engine workers: the derivative, the extras (code, steps) and the user's claim, each in its own lane ----
let seq = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
/** The newest job sent: its key, when its change was made, and whether its extras are still awaited. */
let latest: { readonly seq: number; key: string; readonly editAt: number; extras: boolean } | null = null;
/** The input of the answer on show (null: none yet). */
let shownKey: string | null = null;
let stopped: { readonly seq: number; readonly afterMs: number } | null = null;
let editAt = performance.now();
let engineError: string | null = null;

const onEngineError = (message: string): void => {
  engineError = message;
  const text = shownKey === null ? `The engine could not start: ${message}` : `The engine failed on this input: ${message}. Edit it to try again.`;
  ui.result.replaceChildren(h("div", { class: "message error", id: "engine-error" }, text));
  if (shownKey !== null) shownKey = answerKey(state); // the message answers the input on show
  latest = null;
  refresh();
};
const mainLane = new Lane<Task, TaskResult>({
  spawn: () => new EngineWorker({ name: "matcalc engine" }),
  budgetMs: MAIN_BUDGET_MS,
  onResult: (r) => r.kind === "main" && onMain(r.answer),
  onError: onEngineError,
  onChange: () => refresh(),
});
const extrasLane = new Lane<Task, TaskResult>({
  spawn: () => new EngineWorker({ name: "matcalc code and steps" }),
  budgetMs: EXTRAS_BUDGET_MS,
  onResult: (r) => r.kind === "extras" && onExtras(r.extras),
  // a failure here costs the code and the steps, never the derivative
  onError: (message) => {
    if (!latest?.extras) return;
    const part = { ok: false as const, code: "internal", message: `the engine failed: ${message}` };
    onExtras({ seq: latest.seq, code: state.code ? { target: state.code, part } : null, steps: state.steps ? part : null });
  },
  onChange: () => refresh(),
});
const claimLane = new Lane<Task, TaskResult>({
  spawn: () => new EngineWorker({ name: "matcalc claim check" }),
  budgetMs: MAIN_BUDGET_MS,
  onResult: (r) => r.kind === "claim" && onClaim(r.claim),
  onError: (message) => claimBox.failed(`the engine failed: ${message}`),
});

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(send, DEBOUNCE_MS);
  refresh();
}

function send(): void {
  timer = undefined;
  stopped = null;
  const job: Job = { ...state, seq: ++seq };
  latest = { seq: job.seq, key: answerKey(state), editAt, extras: false };
  mainLane.submit({ kind: "main", seq: job.seq, job });
  claimBox.inputChanged();
  refresh();
}

/** Stops the running derivative job; the answer on show stays, marked as the previous one. */
function stop(): void {
  const running = mainLane.current;
  if (!running || !latest) return;
  stopped = { seq: latest.seq, afterMs: performance.now() - running.since };
  mainLane.stop();
  extrasLane.stop();
  claimLane.stop();
  latest = null;
  refresh();
}

// ---- busy, computing, previous: what the page says about answers on their way ----
let ticker: ReturnType<typeof setInterval> | undefined;

/** Re-derives every marker from the lanes and the answer on show (idempotent). */
function refresh(): void {
  const busy = engineError === null && stopped === null && (timer !== undefined || (latest !== null && (ui.result.dataset.seq !== String(latest.seq) || latest.extras)));
  if (busy) document.body.dataset.busy = "true";
  else delete document.body.dataset.busy;
  const previous = shownKey !== null && shownKey !== answerKey(state);
  // the code and the steps belong to the answer on show, and are marked with it
  for (const el of [ui.answer, ui.code, ui.stepsBody]) {
    el.classList.toggle("previous", previous);
    el.dataset.fresh = previous ? "previous" : "current";
  }
  const banner = ui.answer.querySelector<HTMLElement>("#previous-note");
  if (previous && !banner) {
    ui.answer.prepend(
      h("p", { id: "previous-note", class: "previous-note" }, h("strong", {}, "Previous answer"), ": for the input before your last change."),
    );
  } else if (!previous) banner?.remove();
  const running = mainLane.current;
  const computing = running !== null && latest !== null && running.seq === latest.seq;
  if (computing && ticker === undefined) ticker = setInterval(showProgress, 100);
  if (!computing && ticker !== undefined) {
    clearInterval(ticker);
    ticker = undefined;
  }
  showProgress();
}

function showProgress(): void {
  const running = mainLane.current;
  const elapsed = running ? performance.now() - running.since : 0;
  if (running && latest && running.seq === latest.seq && elapsed >= COMPUTING_AFTER_MS) {
    const text = `Computing… ${(elapsed / 1000).toFixed(1)} s`;
    let label = ui.progress.querySelector<HTMLElement>(".elapsed");
    if (ui.progress.dataset.state !== "computing" || !label) {
      ui.progress.dataset.state = "computing";
      label = h("span", { class: "elapsed" });
      const button = h("button", { type: "button", class: "small", id: "stop" }, "Stop");
      button.addEventListener("click", stop);
      ui.progress.replaceChildren(h("span", { class: "spinner", "aria-hidden": "true" }), label, button);
    }
    label.textContent = text;
    ui.progress.dataset.elapsedMs = elapsed.toFixed(0);
    ui.progress.hidden = false;
  } else if (stopped) {
    if (ui.progress.dataset.state !== "stopped") {
      ui.progress.dataset.state = "stopped";
      const again = h("button", { type: "button", class: "small", id: "run-again" }, "Run again");
      again.addEventListener("click", () => setState({}));
      ui.progress.replaceChildren(
        h("span", {}, `Stopped after ${(stopped.afterMs / 1000).toFixed(1)} s. Edit the expression, or `),
        again,
      );
    }
    ui.progress.hidden = false;
  } else if (ui.progress.dataset.state !== "idle") {
    ui.progress.dataset.state = "idle";
    ui.progress.replaceChildren();
    ui.progress.hidden = true;
  }
}

// ---- rendering answers ----
const editor = createEditor(
  $("editor"),
  state.expr,
  // a text replaced as a whole is a new problem: the table's edits were made for the old one
  (text, replacedAll) => setState(replacedAll ? { expr: text, vars: {} } : { expr: text }),
  () => reference.open(),
);
/** The rows on show, for edits of declared variables (which rewrite their declaration in the text). */
let rows: readonly VarRow[] = [];
const table = new VarsTable(ui.varsBody, (name, v) => {
  const row = rows.find((r) => r.name === name);
  const change = v && row?.origin === "declared" && row.at !== null ? redeclare(state.expr, name, row.at, v) : null;
  if (change) {
    editor.view.dispatch({ changes: change, userEvent: "input.table" });
    return;
  }
  const vars = { ...state.vars };
  if (v) vars[name] = v;
  else delete vars[name];
  setState({ vars });
});
const codeTabs = new CodeTabs(ui.code, (code) => setState({ code }));
const claimBox = new ClaimBox($("claim-box"), (claim) => {
  const job: Job = { ...state, seq: ++seq };
  claimLane.submit({ kind: "claim", seq: job.seq, job, claim });
  return job.seq;
});
const reference = new Reference($<HTMLDialogElement>("reference"), $<HTMLButtonElement>("reference-open"), editor);
$("reference-link").addEventListener("click", () => reference.open());

function onMain(a: MainAnswer): void {
  if (!latest || a.seq !== latest.seq) return; // superseded: a newer job is on its way
  engineError = null;
  const r = a.response;
  editor.showError(!r.ok && r.error.span ? { message: r.error.message, span: r.error.span } : null);
  ui.diagnostic.replaceChildren(a.diagnostic ? h("pre", { class: "caret" }, a.diagnostic) : "");
  ui.diagnostic.dataset.state = a.diagnostic ? "error" : "ok";
  const stale = !a.analysis.ok && a.analysis.vars.length === 0;
  ui.vars.classList.toggle("stale", stale);
  ui.vars.dataset.state = stale ? "stale" : "current";
  if (!stale) {
    rows = a.analysis.vars;
    table.update(rows);
    const names = rows.map((v) => v.name);
    if ([...ui.wrt.options].map((o) => o.value).join() !== names.join()) {
      ui.wrt.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    }
    ui.wrt.value = a.analysis.wrt;
    claimBox.setVariable(a.analysis.wrt);
  }
  if (r.ok) ui.assumptions.replaceChildren(...r.assumptions.map((s) => h("li", {}, s)));
  else if (!stale) ui.assumptions.replaceChildren(h("li", { class: "none" }, "none: the expression has an error"));
  const edits = a.analysis.vars
    .filter((v) => v.origin === "edited")
    .map((v) => `${v.name}: ${typeWords({ kind: v.kind, dims: v.dims, props: v.props })}`);
  renderResult(ui.result, a, {
    order: state.order,
    notation: state.notation,
    edits,
    onNewSeed: () => setState({ seed: state.seed + 1 }),
    onResetEdits: () => setState({ vars: {} }),
  });
  if (shownKey === null) registerOfflineCache(); // after the first answer, so caching never delays it
  shownKey = latest.key;
  forgetVanishedEdits(a);
  const wantsExtras = r.ok && (state.code !== null || state.steps);
  codeTabs.show(state.code, r.ok ? "pending" : "none");
  if (state.steps) renderSteps(ui.stepsBody, r.ok ? "pending" : "none");
  const since = performance.now() - latest.editAt;
  ui.result.dataset.seq = String(a.seq);
  ui.result.dataset.latencyMs = since.toFixed(1);
  ui.timing.textContent = `engine ${a.ms.toFixed(1)} ms · shown ${since.toFixed(0)} ms after the last change`;
  const said = r.ok && r.derivative.text.length > 300 ? `${r.derivative.text.length} characters long` : r.ok ? r.derivative.text : "";
  ui.status.textContent = r.ok ? `derivative: ${said}; check ${r.check?.status ?? "not run"}` : `error: ${r.error.message}`;
  if (wantsExtras) {
    latest.extras = true;
    const job: Job = { ...state, seq: a.seq };
    extrasLane.submit({ kind: "extras", seq: a.seq, job });
  }
  refresh();
}

/**
 * Table edits of variables that the expression no longer has are dropped (they were made for another text), without a
 * new job: the answer did not use them.
 */
function forgetVanishedEdits(a: MainAnswer): void {
  if (!a.analysis.ok || answerKey(state) !== shownKey) return;
  const present = new Set(a.analysis.vars.map((v) => v.name));
  const names = Object.keys(state.vars);
  if (names.every((n) => present.has(n))) return;
  state = { ...state, vars: Object.fromEntries(Object.entries(state.vars).filter(([n]) => present.has(n))) };
  history.replaceState(null, "", `#${encodeState(state)}`);
  shownKey = answerKey(state);
  if (latest) latest.key = shownKey;
}

function onExtras(x: Extras): void {
  if (!latest || x.seq !== latest.seq) return;
  latest.extras = false;
  if (x.code) codeTabs.show(x.code.target, x.code.part);
  if (x.steps) renderSteps(ui.stepsBody, x.steps);
  refresh();
}

function onClaim(c: ClaimAnswer): void {
  claimBox.show(c);
}

// ---- state, controls and the address ----
function setState(patch: Partial<PageState>): void {
  state = { ...state, ...patch };
  editAt = performance.now();
  history.replaceState(null, "", `#${encodeState(state)}`);
  syncControls();
  schedule();
}

function matchingExample(s: PageState): Example | undefined {
  return EXAMPLES.find((x) => x.expr === s.expr && x.wrt === s.wrt && (x.order ?? 1) === s.order);
}

function syncControls(): void {
  ui.order.value = String(state.order);
  ui.layout.value = state.layout;
  for (const r of ui.notation) r.checked = r.value === state.notation;
  ui.examples.value = matchingExample(state)?.id ?? "";
  codeTabs.select(state.code);
  if (ui.steps.open !== state.steps) ui.steps.open = state.steps;
}

/** Replaces the whole state (an example, a shared link): a fresh start, the claim included. */
function loadState(s: PageState): void {
  state = s;
  editor.setText(s.expr);
  claimBox.clear();
  setState({});
}

function buildExamplesMenu(): void {
  ui.examples.append(h("option", { value: "" }, "choose…"));
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const x of EXAMPLES) {
    let g = groups.get(x.group);
    if (!g) {
      g = h("optgroup", { label: x.group });
      groups.set(x.group, g);
      ui.examples.append(g);
    }
    g.append(h("option", { value: x.id }, x.title));
  }
}

buildExamplesMenu();
ui.examples.addEventListener("change", () => {
  const x = EXAMPLES.find((e) => e.id === ui.examples.value);
  if (x) loadState({ ...DEFAULT_STATE, expr: x.expr, wrt: x.wrt, order: x.order ?? 1, code: state.code, steps: state.steps });
});
ui.wrt.addEventListener("change", () => setState({ wrt: ui.wrt.value }));
ui.order.addEventListener("change", () => setState({ order: Number(ui.order.value) }));
ui.layout.addEventListener("change", () => setState({ layout: ui.layout.value as Layout }));
for (const r of ui.notation) r.addEventListener("change", () => r.checked && setState({ notation: r.value as Notation }));
ui.steps.addEventListener("toggle", () => {
  if (ui.steps.open !== state.steps) setState({ steps: ui.steps.open });
});
ui.share.addEventListener("click", () => {
  void copyText(location.href).then((ok) => {
    ui.share.textContent = ok ? "Link copied" : "Copy failed";
    setTimeout(() => (ui.share.textContent = "Copy link"), 1500);
  });
});
window.addEventListener("hashchange", () => {
  if (location.hash.slice(1) !== encodeState(state)) loadState(decodeState(location.hash));
});

window.addEventListener("resize", () => markOverflow(ui.result));

setState({});

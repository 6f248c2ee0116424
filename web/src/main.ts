// The page's controller: one PageState, mirrored in the address's hash; every change schedules a job for the engine
// worker and answers are rendered as they come. One job in flight and at most one waiting, so typing never queues work.

import "katex/dist/katex.min.css";
import "./styles.css";
import type { Extras, Job, MainAnswer, VarRow } from "./compute.js";
import { redeclare } from "./declarations.js";
import { copyText, h } from "./dom.js";
import { createEditor } from "./editor.js";
import { EXAMPLES, type Example } from "./examples.js";
import { CodeTabs, renderSteps } from "./panels.js";
import { renderResult } from "./result.js";
import { DEFAULT_STATE, type Layout, type Notation, type PageState, decodeState, encodeState } from "./state.js";
import { VarsTable } from "./vars-table.js";
import type { FromWorker } from "./worker.js";

/** Quiet time after a keystroke before the engine runs (keeps bursts of typing to one job). */
const DEBOUNCE_MS = 12;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  examples: $<HTMLSelectElement>("examples"),
  share: $<HTMLButtonElement>("share"),
  diagnostic: $<HTMLDivElement>("diagnostic"),
  wrt: $<HTMLSelectElement>("wrt"),
  order: $<HTMLSelectElement>("order"),
  layout: $<HTMLSelectElement>("layout"),
  notation: [...document.querySelectorAll<HTMLInputElement>("input[name=notation]")],
  varsBody: $<HTMLTableElement>("vars").tBodies[0]!,
  assumptions: $<HTMLUListElement>("assumptions"),
  result: $<HTMLDivElement>("result"),
  timing: $<HTMLParagraphElement>("timing"),
  steps: $<HTMLDetailsElement>("steps"),
  stepsBody: $<HTMLDivElement>("steps-body"),
  status: $<HTMLParagraphElement>("status"),
};

let state: PageState = decodeState(location.hash);

// ---- engine worker: one job in flight, the newest waiting ----
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
let seq = 0;
let inflight = false;
let waiting = false;
let timer: ReturnType<typeof setTimeout> | undefined;
/** When the state last changed, and that time for each job sent (for the latency figure). */
let editAt = performance.now();
const jobEditAt = new Map<number, number>();

/** body[data-busy] is set from a change until its answer is shown (tests and styles wait on it). */
function schedule(): void {
  clearTimeout(timer);
  document.body.dataset.busy = "true";
  timer = setTimeout(send, DEBOUNCE_MS);
}

function send(): void {
  timer = undefined;
  if (inflight) {
    waiting = true;
    return;
  }
  const job: Job = { ...state, seq: ++seq };
  jobEditAt.set(job.seq, editAt);
  inflight = true;
  worker.postMessage(job);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const msg = e.data;
  if (msg.type === "main") onMain(msg.answer);
  else if (msg.type === "extras") onExtras(msg.extras);
  else {
    jobEditAt.delete(msg.seq);
    inflight = false;
    if (waiting) {
      waiting = false;
      send();
    } else if (timer === undefined) delete document.body.dataset.busy;
  }
};
worker.onerror = (e) => {
  ui.result.replaceChildren(h("div", { class: "message error" }, `The engine could not start: ${e.message}`));
};

/** True when an answer is for the page as it is now (no newer change sent or waiting). */
const current = (s: number): boolean => s === seq && !waiting && timer === undefined;

// ---- rendering answers ----
const editor = createEditor($("editor"), state.expr, (text) => setState({ expr: text }));
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
const codeTabs = new CodeTabs($("code"), (code) => setState({ code }));

function onMain(a: MainAnswer): void {
  if (!current(a.seq)) return;
  const r = a.response;
  editor.showError(!r.ok && r.error.span ? { message: r.error.message, span: r.error.span } : null);
  ui.diagnostic.replaceChildren(a.diagnostic ? h("pre", { class: "caret" }, a.diagnostic) : "");
  ui.diagnostic.dataset.state = a.diagnostic ? "error" : "ok";
  const stale = !a.analysis.ok && a.analysis.vars.length === 0;
  ui.varsBody.parentElement!.classList.toggle("stale", stale);
  if (!stale) {
    rows = a.analysis.vars;
    table.update(rows);
    const names = rows.map((v) => v.name);
    if ([...ui.wrt.options].map((o) => o.value).join() !== names.join()) {
      ui.wrt.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    }
    ui.wrt.value = a.analysis.wrt;
  }
  if (r.ok) ui.assumptions.replaceChildren(...r.assumptions.map((s) => h("li", {}, s)));
  renderResult(ui.result, a, { order: state.order, notation: state.notation, onNewSeed: () => setState({ seed: state.seed + 1 }) });
  codeTabs.show(state.code, r.ok ? "pending" : "none");
  if (state.steps) renderSteps(ui.stepsBody, r.ok ? "pending" : "none");
  const since = performance.now() - (jobEditAt.get(a.seq) ?? editAt);
  ui.result.dataset.seq = String(a.seq);
  ui.result.dataset.latencyMs = since.toFixed(1);
  ui.timing.textContent = `engine ${a.ms.toFixed(1)} ms · shown ${since.toFixed(0)} ms after the last change`;
  ui.status.textContent = r.ok
    ? `derivative: ${r.derivative.text}; check ${r.check?.status ?? "not run"}`
    : `error: ${r.error.message}`;
}

function onExtras(x: Extras): void {
  if (!current(x.seq)) return;
  if (x.code) codeTabs.show(x.code.target, x.code.part);
  if (x.steps) renderSteps(ui.stepsBody, x.steps);
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

function loadState(s: PageState): void {
  state = s;
  editor.setText(s.expr);
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

setState({});

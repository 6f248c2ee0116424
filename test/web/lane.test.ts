// The page's job lanes without a browser: a fake worker stands in for the engine, and fake timers for the clock.
// A newer job waits for a running one only within its budget; past it the worker is replaced; stop() ends a job.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Lane } from "../../web/src/lane.js";

interface Msg {
  readonly seq: number;
}

class FakeWorker {
  static made: FakeWorker[] = [];
  readonly got: Msg[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<Msg>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  constructor() {
    FakeWorker.made.push(this);
  }
  postMessage(m: Msg): void {
    this.got.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  /** The worker fails (a crash, or its script refused). */
  fail(message: string): void {
    this.onerror?.({ message, preventDefault: () => {} } as ErrorEvent);
  }
  /** The engine answers the job it was given. */
  answer(seq: number): void {
    this.onmessage?.({ data: { seq } } as MessageEvent<Msg>);
  }
}

function lane(budgetMs = 1000) {
  const results: number[] = [];
  const errors: string[] = [];
  const l = new Lane<Msg, Msg>({
    spawn: () => new FakeWorker() as unknown as Worker,
    budgetMs,
    onResult: (r) => results.push(r.seq),
    onError: (m) => errors.push(m),
  });
  return { l, results, errors };
}

beforeEach(() => {
  FakeWorker.made = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("a job lane", () => {
  it("sends a job at once when idle and reuses its worker", () => {
    const { l, results } = lane();
    l.submit({ seq: 1 });
    expect(l.current?.seq).toBe(1);
    FakeWorker.made[0]!.answer(1);
    expect(l.current).toBeNull();
    l.submit({ seq: 2 });
    expect(FakeWorker.made).toHaveLength(1);
    expect(FakeWorker.made[0]!.got.map((m) => m.seq)).toEqual([1, 2]);
    FakeWorker.made[0]!.answer(2);
    expect(results).toEqual([1, 2]);
  });

  it("keeps only the newest waiting job and sends it when the running one answers within the budget", () => {
    const { l, results } = lane();
    l.submit({ seq: 1 });
    l.submit({ seq: 2 });
    l.submit({ seq: 3 });
    vi.advanceTimersByTime(500);
    FakeWorker.made[0]!.answer(1);
    expect(FakeWorker.made[0]!.got.map((m) => m.seq)).toEqual([1, 3]);
    expect(l.current?.seq).toBe(3);
    FakeWorker.made[0]!.answer(3);
    expect(results).toEqual([1, 3]);
    expect(FakeWorker.made).toHaveLength(1);
  });

  it("replaces the worker when a newer job has waited past the running one's budget", () => {
    const { l, results } = lane(1000);
    l.submit({ seq: 1 });
    vi.advanceTimersByTime(300);
    l.submit({ seq: 2 });
    vi.advanceTimersByTime(699);
    expect(FakeWorker.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWorker.made).toHaveLength(2);
    expect(FakeWorker.made[0]!.terminated).toBe(true);
    expect(FakeWorker.made[1]!.got.map((m) => m.seq)).toEqual([2]);
    // a late answer from the terminated worker is ignored
    FakeWorker.made[0]!.answer(1);
    FakeWorker.made[1]!.answer(2);
    expect(results).toEqual([2]);
  });

  it("replaces the worker at once when the running job is already past its budget", () => {
    const { l } = lane(1000);
    l.submit({ seq: 1 });
    vi.advanceTimersByTime(5000);
    l.submit({ seq: 2 });
    expect(FakeWorker.made[0]!.terminated).toBe(true);
    expect(FakeWorker.made[1]!.got.map((m) => m.seq)).toEqual([2]);
  });

  it("stop() ends the running job and drops the waiting one; the next job gets a fresh worker", () => {
    const { l, results } = lane();
    l.submit({ seq: 1 });
    l.submit({ seq: 2 });
    l.stop();
    expect(l.current).toBeNull();
    expect(FakeWorker.made[0]!.terminated).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(FakeWorker.made).toHaveLength(1);
    l.submit({ seq: 3 });
    expect(FakeWorker.made[1]!.got.map((m) => m.seq)).toEqual([3]);
    FakeWorker.made[1]!.answer(3);
    expect(results).toEqual([3]);
  });

  it("reports a failed worker, and a newer job waiting for it goes to a fresh one instead", () => {
    const { l, results, errors } = lane();
    l.submit({ seq: 1 });
    FakeWorker.made[0]!.fail("out of memory");
    expect(errors).toEqual(["out of memory"]);
    expect(l.current).toBeNull();
    l.submit({ seq: 2 });
    l.submit({ seq: 3 });
    FakeWorker.made[1]!.fail("out of memory");
    expect(errors).toEqual(["out of memory"]);
    expect(FakeWorker.made[2]!.got.map((m) => m.seq)).toEqual([3]);
    FakeWorker.made[2]!.answer(3);
    expect(results).toEqual([3]);
  });
});

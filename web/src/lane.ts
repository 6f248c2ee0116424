// One engine worker and the jobs sent to it: one in flight, at most the newest waiting. A newer job supersedes the
// running one once that has run past its budget (the worker is terminated and a fresh one started), and stop() ends it.

/** What every task carries: its job number, so answers for superseded jobs can be told apart. */
export interface Seqd {
  readonly seq: number;
}

export interface LaneOptions<Res> {
  /** Starts a fresh engine worker. */
  readonly spawn: () => Worker;
  /** How long a running task may hold up a newer one before its worker is replaced. */
  readonly budgetMs: number;
  /** The answer to a task (also for superseded ones: the caller decides what is current). */
  readonly onResult: (res: Res) => void;
  /** The worker failed to load or crashed outside a task. */
  readonly onError: (message: string) => void;
  /** Called whenever what is running or waiting changes. */
  readonly onChange?: () => void;
}

export class Lane<Req extends Seqd, Res extends Seqd> {
  private worker: Worker | null = null;
  private running: { readonly req: Req; readonly since: number } | null = null;
  private waiting: Req | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: LaneOptions<Res>) {}

  /** The task in flight and when it started (performance.now()), or null when idle. */
  get current(): { readonly seq: number; readonly since: number } | null {
    return this.running ? { seq: this.running.req.seq, since: this.running.since } : null;
  }

  /** Sends a task; a task already waiting is dropped, and a running one is superseded once past its budget. */
  submit(req: Req): void {
    if (!this.running) {
      this.start(req);
      return;
    }
    this.waiting = req;
    const left = this.opts.budgetMs - (performance.now() - this.running.since);
    clearTimeout(this.timer);
    if (left <= 0) this.supersede();
    else this.timer = setTimeout(() => this.supersede(), left);
    this.opts.onChange?.();
  }

  /** Ends the running task (its worker is terminated) and drops any waiting one. */
  stop(): void {
    clearTimeout(this.timer);
    this.waiting = null;
    if (this.running) this.kill();
    this.opts.onChange?.();
  }

  private supersede(): void {
    if (!this.running || !this.waiting) return;
    this.kill();
    const next = this.waiting;
    this.waiting = null;
    this.start(next);
  }

  private kill(): void {
    this.worker?.terminate();
    this.worker = null;
    this.running = null;
  }

  private start(req: Req): void {
    this.worker ??= this.spawn();
    this.running = { req, since: performance.now() };
    this.worker.postMessage(req);
    this.opts.onChange?.();
  }

  private spawn(): Worker {
    const w = this.opts.spawn();
    w.onmessage = (e: MessageEvent<Res>) => {
      if (w !== this.worker) return;
      const res = e.data;
      if (this.running?.req.seq === res.seq) {
        clearTimeout(this.timer);
        this.running = null;
      }
      this.opts.onResult(res);
      if (!this.running && this.waiting) {
        const next = this.waiting;
        this.waiting = null;
        this.start(next);
      } else this.opts.onChange?.();
    };
    w.onerror = (e) => {
      if (w !== this.worker) return;
      e.preventDefault();
      clearTimeout(this.timer);
      this.kill();
      const next = this.waiting;
      this.waiting = null;
      // a newer job goes to a fresh worker and answers for itself; otherwise the failure is reported
      if (next) this.start(next);
      else {
        this.opts.onError(e.message || "the engine worker failed");
        this.opts.onChange?.();
      }
    };
    return w;
  }
}

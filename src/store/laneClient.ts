// One mechanism's worker, seen from the page: start and cancel runs, and ask
// for frames with "latest wins" coalescing, so scrubbing a 51,200-step
// timeline never queues up more than one request behind the one in flight.
import type { MechanismName } from '../core/index.ts';
import type { SimPort } from '../worker/spawn.ts';
import type { Frame, FromWorker, LaneSummary, Query, QueryResult, Timeline } from '../worker/protocol.ts';

export interface LaneEvents {
  progress(done: number, total: number): void;
  ready(timeline: Timeline, summary: LaneSummary): void;
  failed(message: string): void;
  cancelled(): void;
}

interface FrameReq {
  index: number;
  record: boolean;
  resolve: (f: Frame | null) => void;
}

export class LaneClient {
  private port: SimPort | null = null;
  private nextRunId = 1;
  /** The run in progress, if any. */
  private pendingRunId: number | null = null;
  /** The run whose frames we ask for: the last one that became ready (0: none). */
  private readyRunId = 0;
  private reqId = 0;
  private inFlight: (FrameReq & { reqId: number }) | null = null;
  private queued: FrameReq | null = null;
  private entryWaiters = new Map<number, (e: Uint8Array | null) => void>();
  private jsonWaiters = new Map<number, (j: unknown) => void>();
  private queryWaiters = new Map<number, (r: QueryResult | null) => void>();

  constructor(
    private readonly spawn: () => SimPort,
    private readonly on: LaneEvents,
  ) {}

  private ensurePort(): SimPort {
    if (!this.port) {
      this.port = this.spawn();
      this.port.onmessage = (e) => this.receive(e.data);
    }
    return this.port;
  }

  /** Start the worker now (it loads its code and warms the core up for `mechanism`), so the first run does not wait for it. */
  warm(mechanism: MechanismName): void {
    this.ensurePort().postMessage({ t: 'warm', mechanism });
  }
  /** The worker finished its warm-up (benchmarks wait for it, as a person reading the page would). */
  warmed = false;

  run(source: string, mechanism: MechanismName): void {
    const port = this.ensurePort();
    if (this.pendingRunId !== null) port.postMessage({ t: 'cancel', runId: this.pendingRunId });
    this.pendingRunId = this.nextRunId++;
    port.postMessage({ t: 'run', runId: this.pendingRunId, source, mechanism });
  }

  get running(): boolean {
    return this.pendingRunId !== null;
  }

  /** Let the worker forget its finished run (a production-size one off screen: about a gigabyte). */
  drop(): void {
    if (this.port && this.readyRunId) this.port.postMessage({ t: 'drop', runId: this.readyRunId });
    this.readyRunId = 0;
  }

  cancel(): void {
    if (this.port && this.pendingRunId !== null) this.port.postMessage({ t: 'cancel', runId: this.pendingRunId });
  }

  /** The state at a step; resolves null when a newer request superseded it. */
  frame(index: number, record: boolean): Promise<Frame | null> {
    return new Promise((resolve) => {
      if (!this.readyRunId) return resolve(null);
      if (this.queued) this.queued.resolve(null);
      this.queued = { index, record, resolve };
      this.pump();
    });
  }

  entries(index: number, slot: number): Promise<Uint8Array | null> {
    return new Promise((resolve) => {
      if (!this.readyRunId || !this.port) return resolve(null);
      const reqId = ++this.reqId;
      this.entryWaiters.set(reqId, resolve);
      this.port.postMessage({ t: 'entries', runId: this.readyRunId, reqId, index, slot });
    });
  }

  /** The ready run in the CLI's JSON format (null: no run). */
  json(): Promise<unknown> {
    return new Promise((resolve) => {
      if (!this.readyRunId || !this.port) return resolve(null);
      const reqId = ++this.reqId;
      this.jsonWaiters.set(reqId, resolve);
      this.port.postMessage({ t: 'json', runId: this.readyRunId, reqId });
    });
  }

  /** A question about the ready run (a table's history, a step's result); null: no run, or the run changed. */
  query(q: Query): Promise<QueryResult | null> {
    return new Promise((resolve) => {
      if (!this.readyRunId || !this.port) return resolve(null);
      const reqId = ++this.reqId;
      this.queryWaiters.set(reqId, resolve);
      this.port.postMessage({ t: 'query', runId: this.readyRunId, reqId, q });
    });
  }

  private pump(): void {
    if (this.inFlight || !this.queued || !this.port) return;
    const q = this.queued;
    this.queued = null;
    const reqId = ++this.reqId;
    this.inFlight = { ...q, reqId };
    this.port.postMessage({ t: 'frame', runId: this.readyRunId, reqId, index: q.index, record: q.record });
  }

  private receive(m: FromWorker): void {
    switch (m.t) {
      case 'warmed':
        this.warmed = true;
        return;
      case 'progress':
        if (m.runId === this.pendingRunId) this.on.progress(m.done, m.total);
        return;
      case 'ready':
        if (m.runId !== this.pendingRunId) return;
        this.pendingRunId = null;
        this.readyRunId = m.runId;
        this.on.ready(m.timeline, m.summary);
        return;
      case 'failed':
        if (m.runId !== this.pendingRunId) return;
        this.pendingRunId = null;
        this.on.failed(m.message);
        return;
      case 'cancelled':
        if (m.runId !== this.pendingRunId) return;
        this.pendingRunId = null;
        this.on.cancelled();
        return;
      case 'frame': {
        const f = this.inFlight;
        if (!f || f.reqId !== m.reqId) return;
        this.inFlight = null;
        // Frames of a run that is no longer current are worthless.
        f.resolve(m.frame && m.runId === this.readyRunId ? m.frame : null);
        this.pump();
        return;
      }
      case 'entries': {
        const w = this.entryWaiters.get(m.reqId);
        this.entryWaiters.delete(m.reqId);
        w?.(m.runId === this.readyRunId ? m.ents : null);
        return;
      }
      case 'query': {
        const w = this.queryWaiters.get(m.reqId);
        this.queryWaiters.delete(m.reqId);
        w?.(m.runId === this.readyRunId ? m.result : null);
        return;
      }
      case 'json': {
        const w = this.jsonWaiters.get(m.reqId);
        this.jsonWaiters.delete(m.reqId);
        w?.(m.json);
        return;
      }
    }
  }

  /** End the worker (its memory goes back at once) and forget its runs; the next run starts a new one. */
  dispose(): void {
    this.port?.terminate();
    this.port = null;
    this.pendingRunId = null;
    this.readyRunId = 0;
    for (const w of this.entryWaiters.values()) w(null);
    this.entryWaiters.clear();
    this.queued?.resolve(null);
    this.inFlight?.resolve(null);
    for (const w of this.jsonWaiters.values()) w(null);
    this.jsonWaiters.clear();
    for (const w of this.queryWaiters.values()) w(null);
    this.queryWaiters.clear();
    this.queued = this.inFlight = null;
  }
}

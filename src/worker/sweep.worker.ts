// The VIRT/RES sweep off the main thread (src/share/sweep.ts): one message
// per point as it is ready, so the chart fills in; terminate() cancels.
import { sweepPoint, type SweepOptions } from '../share/sweep.ts';

export type SweepRequest = { opts: SweepOptions; ratios: number[] };
export type SweepReply = { t: 'point'; point: ReturnType<typeof sweepPoint> } | { t: 'done' } | { t: 'failed'; message: string };

self.onmessage = (e: MessageEvent<SweepRequest>) => {
  const post = (m: SweepReply) => (self as unknown as Worker).postMessage(m);
  try {
    for (const r of e.data.ratios) post({ t: 'point', point: sweepPoint(e.data.opts, r) });
    post({ t: 'done' });
  } catch (err) {
    post({ t: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
};

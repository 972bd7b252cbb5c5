// A recording beside the generator (src/share/curves.ts) off the main
// thread: both runs under every design; terminate() cancels.
import { curveOf, type Curve } from '../share/curves.ts';

export type CurvesRequest = { inputs: { label: string; source: string }[] };
export type CurvesReply = { t: 'done'; curves: Curve[] } | { t: 'failed'; message: string };

self.onmessage = (e: MessageEvent<CurvesRequest>) => {
  const post = (m: CurvesReply) => (self as unknown as Worker).postMessage(m);
  try {
    post({ t: 'done', curves: e.data.inputs.map((i) => curveOf(i.label, i.source)) });
  } catch (err) {
    post({ t: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
};

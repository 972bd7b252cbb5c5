// One design's pass for the designs compared (src/share/designs.ts), off the
// main thread: progress a few times a second, the series transferred at the
// end; terminate() cancels. The dialog runs one worker per design.
import { designPass, type DesignRun } from '../share/designs.ts';
import type { MechanismName } from '../scenario/ast.ts';
import { MAX_WORK } from './host.ts';

export type DesignRequest = { source: string; mechanism: MechanismName };
export type DesignReply = { t: 'progress'; done: number; total: number } | { t: 'done'; run: DesignRun } | { t: 'failed'; message: string };

self.onmessage = (e: MessageEvent<DesignRequest>) => {
  const post = (m: DesignReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
  try {
    let last = 0;
    const run = designPass(e.data.source, e.data.mechanism, {
      maxWork: MAX_WORK,
      progress: (done, total) => {
        const now = performance.now();
        if (now - last >= 200) {
          last = now;
          post({ t: 'progress', done, total });
        }
      },
    });
    post({ t: 'done', run }, [run.vmPte.buffer, run.ptes.buffer, run.liveSlots.buffer] as ArrayBuffer[]);
  } catch (err) {
    post({ t: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
};

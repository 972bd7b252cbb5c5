// Starting the simulation worker (a module worker, bundled by Vite), and an
// in-process stand-in with the same interface for tests and for environments
// without workers.
import { SimHost } from './host.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

export interface SimPort {
  postMessage(msg: ToWorker): void;
  onmessage: ((e: { data: FromWorker }) => void) | null;
  terminate(): void;
}

export function spawnSimWorker(): SimPort {
  return new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'ptlab-sim' }) as unknown as SimPort;
}

/** The same host on this thread; messages are delivered on later macrotasks, as a worker would. */
export function localSimPort(): SimPort {
  let dead = false;
  const port: SimPort = {
    onmessage: null,
    postMessage(msg) {
      setTimeout(() => {
        if (!dead) void host.handle(structuredClone(msg));
      }, 0);
    },
    terminate() {
      dead = true;
    },
  };
  const host = new SimHost({
    post: (msg) => {
      setTimeout(() => {
        if (!dead) port.onmessage?.({ data: msg });
      }, 0);
    },
    yieldNow: () => new Promise((r) => setTimeout(r, 0)),
    now: () => performance.now(),
  });
  return port;
}

// Starting the simulation worker (a module worker, bundled by Vite). The
// in-process stand-in for tests is in localPort.ts: importing it here would
// bring the whole core into the page's first JavaScript (the core's modules
// are kept for their side effects even where nothing of them is used).
import type { FromWorker, ToWorker } from './protocol.ts';

export interface SimPort {
  postMessage(msg: ToWorker): void;
  onmessage: ((e: { data: FromWorker }) => void) | null;
  terminate(): void;
}

export function spawnSimWorker(): SimPort {
  return new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'ptlab-sim' }) as unknown as SimPort;
}

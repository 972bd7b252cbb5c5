// The simulation worker: the core runs here so the page never freezes.
// All logic is in SimHost; this file only wires it to the worker globals.
import { SimHost } from './host.ts';
import type { ToWorker } from './protocol.ts';

const channel = new MessageChannel();
const wakers: (() => void)[] = [];
channel.port1.onmessage = () => wakers.shift()?.();

const host = new SimHost({
  post: (msg, transfer) => (self as unknown as Worker).postMessage(msg, transfer ?? []),
  // A MessageChannel turn, not setTimeout(0): nested timeouts are clamped to 4 ms.
  yieldNow: () =>
    new Promise<void>((resolve) => {
      wakers.push(resolve);
      channel.port2.postMessage(0);
    }),
  now: () => performance.now(),
});

self.onmessage = (e: MessageEvent<ToWorker>) => {
  void host.handle(e.data);
};

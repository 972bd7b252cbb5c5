// An in-process stand-in for the simulation worker, with the same interface
// (tests, and environments without workers). Not imported by the page's entry:
// it brings the whole core with it (spawn.ts starts real workers).
import { SimHost } from './host.ts';
import type { SimPort } from './spawn.ts';

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

// The floor below any JavaScript simulator of the 2021 series' 50 GiB test:
// a bare typed-array loop doing only the entry writes (one per fault, with
// the counters) and clears of 25,600 x {touch 2M; MADV_DONTNEED 2M}. The
// same loop as the team's shared yardstick; `npm run bench` measures it in
// the same process as the core and prints the ratio. Run alone
// (`node bench/floor.mjs`) it is the whole-process yardstick.
const N = 25600, E = 512;
export function floorRun() {
  const tables = new Map(); let vmpte = 0, rss = 0, faults = 0;
  for (let i = 0; i < N; i++) {
    let t = tables.get(i);
    if (!t) { t = { e: new Uint8Array(E), n: 0 }; tables.set(i, t); vmpte += 4; }
    for (let j = 0; j < E; j++) { if (t.e[j] === 0) { t.e[j] = 1; t.n++; rss += 4; } faults++; }
    for (let j = 0; j < E; j++) { if (t.e[j] !== 0) { t.e[j] = 0; t.n--; rss -= 4; } }
    if (t.n === 0) { tables.delete(i); vmpte -= 4; }
  }
  return [vmpte, rss, faults];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  floorRun();
  const t0 = performance.now();
  const r = floorRun();
  const dt = performance.now() - t0;
  console.log(r, dt.toFixed(1) + ' ms', (r[2] / dt / 1000).toFixed(1) + ' M faults/s');
}

// Seeded random scenarios for kernel/random.test.ts (and for a person
// chasing a seed: `npx tsx -e "import('./kernel/random.ts').then((m) => console.log(m.randomScenario(1056)))"`).
import { prng } from '../src/scenario/prng.ts';

const K = 4096;
const M2 = 2 * 1024 * 1024;
const REGION = 0x8000000000; // 512 GiB

/**
 * A random scenario's text: fixed-address mappings and page-aligned operations.
 * With `fork`, the first process forks once along the way; after it, about
 * half the statements run in the child (`in child:`), and the child may exit
 * before the end. `collapseAndPageout` adds MADV_PAGEOUT (swap off, as on a
 * machine without swap) and MADV_COLLAPSE of a slot just written to. Without
 * either, a seed gives the scenario it always gave.
 */
export function randomScenario(seed: number, statements = 24, opts: { fork?: boolean; collapseAndPageout?: boolean } = {}): string {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
  const hex = (n: number) => '0x' + n.toString(16);
  const lines = [`# random scenario, seed ${seed}`, 'thp madvise'];
  // Mappings: sizes of 1..5 slots plus some pages; starts on a slot or 1 MiB / a few pages off.
  const maps: { name: string; len: number; base: number }[] = [];
  const n = 1 + int(3);
  for (let i = 0; i < n; i++) {
    const len = (1 + int(5)) * M2 + pick([0, 0, 1024 * 1024, 16 * K]);
    const off = pick([0, 0, 1024 * 1024, 12 * K]);
    const name = String.fromCharCode(65 + i);
    lines.push(`mmap ${name} ${len} at ${hex(0x100000000000 + i * REGION + off)}${int(3) === 0 ? ' hugepage' : ''}`);
    maps.push({ name, len, base: 0x100000000000 + i * REGION + off });
  }
  // Ranges: aligned to pages; often a whole slot or more, often a few pages.
  const range = (len: number): [number, number] => {
    const kind = int(4);
    if (kind === 0) {
      const s = int(Math.max(1, Math.floor(len / M2))) * M2;
      return [s, Math.min(M2 * (1 + int(2)), len - s)];
    }
    if (kind === 1) return [0, len];
    const off = int(len / K) * K;
    return [off, Math.min(len - off, (1 + int(kind === 2 ? 8 : 600)) * K)];
  };
  let remap = 3;
  const forkAt = opts.fork ? 2 + int(Math.max(1, statements >> 1)) : -1;
  const exitAt = opts.fork && int(2) === 0 ? forkAt + 1 + int(Math.max(1, statements - forkAt)) : -1;
  let forked = false;
  for (let k = 0; k < statements; k++) {
    if (k === forkAt) {
      lines.push(pick(['fork', 'fork child']));
      forked = true;
    }
    if (k === exitAt) {
      lines.push('exit child');
      forked = false;
    }
    const m = pick(maps);
    const [off, len] = range(m.len);
    if (len <= 0) continue;
    const op = int(opts.collapseAndPageout ? 23 : 20);
    const who = forked && int(2) === 0 ? 'in child: ' : '';
    if (op < 7) lines.push(`${who}touch ${m.name} ${off} ${len}`);
    else if (op < 9) lines.push(`${who}read ${m.name} ${off} ${len}`);
    else if (op < 14) lines.push(`${who}madvise ${m.name} ${off} ${len} dontneed`);
    else if (op < 16) lines.push(`${who}madvise ${m.name} ${off} ${len} free`);
    else if (op < 17) lines.push(`${who}mprotect ${m.name} ${off} ${len} ${pick(['r', 'rw'])}`);
    else if (op < 18 && remap < 6) {
      const to = 0x100000000000 + remap++ * REGION + pick([0, M2, 1024 * 1024]);
      lines.push(`${who}mremap ${m.name} to ${hex(to)}`);
      if (!who) m.base = to; // the first process's mapping moved (collapse aims at its slots)
    } else if (op < 19) lines.push(`${who}munmap ${m.name} ${off} ${len}`);
    else if (op < 20) lines.push(`${who}touch ${m.name} 0 ${m.len}`);
    else if (op < 22) lines.push(`${who}madvise ${m.name} ${off} ${len} pageout`);
    else {
      // A page written, then MADV_COLLAPSE of the 2 MiB slot around it (when one fits in the mapping).
      const first = Math.ceil(m.base / M2) * M2 - m.base;
      const slots = Math.floor((m.len - first) / M2);
      if (slots <= 0) continue;
      const s = first + int(slots) * M2;
      lines.push(`${who}touch ${m.name} ${s + int(512) * K} ${K}`);
      lines.push(`${who}madvise ${m.name} ${s} ${M2} collapse`);
    }
  }
  return lines.join('\n') + '\n';
}


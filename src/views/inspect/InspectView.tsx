// A live process's snapshot (ptlab inspect PID --save FILE): its measured
// VmPTE beside the minimum its pages need, and every mapping as a strip of its
// 2 MiB slots, coloured by the pages each holds. A slot without a page may
// still hold an empty PTE table: /proc says how many tables there are
// (VmPTE), not which slots have them, so the view shows where they can be.
import { useEffect, useMemo, useRef, useState } from 'react';
import { mappingBins, type InspectSnapshot, type MappingBins } from '../../share/inspectSnapshot.ts';
import { useInspectView } from '../../store/inspectView.ts';
import { Overlay } from '../chrome/Overlay.tsx';
import './inspect.css';

const STRIP_W = 560;
const STRIP_H = 18;
const SLOT = 2 ** 21;
const kB = (n: number) => `${Math.round(n).toLocaleString('en')} kB`;
const hex = (n: number) => `0x${n.toString(16)}`;

/** Pages per slot (of 512) as a colour: light to dark blue. */
function density(pagesPerSlot: number): string {
  const f = Math.min(1, pagesPerSlot / 512);
  const l = 78 - 48 * Math.sqrt(f);
  return `hsl(212 70% ${l}%)`;
}
export const NO_PAGE = '#e4e7eb';

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${bytes >= 100 || Number.isInteger(bytes) ? Math.round(bytes) : bytes.toFixed(1)} ${units[i]}`;
}

function Strip({ m }: { m: MappingBins }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const nb = m.bins.slots.length;
  const w = Math.min(STRIP_W, Math.max(4, nb * 6));
  useEffect(() => {
    const c = ref.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(w * dpr);
    c.height = Math.round(STRIP_H * dpr);
    g.scale(dpr, dpr);
    const bw = w / nb;
    for (let b = 0; b < nb; b++) {
      const x = b * bw;
      g.fillStyle = NO_PAGE;
      g.fillRect(x, 0, Math.max(bw - (bw > 3 ? 1 : 0), 0.5), STRIP_H);
      const with_ = m.bins.withPages[b];
      if (with_ === 0) continue;
      // The bar's height: the share of the bin's slots that hold a page; its colour: how full those are.
      const h = Math.max(2, (STRIP_H * with_) / m.bins.slots[b]);
      g.fillStyle = density(m.bins.pages[b] / with_);
      g.fillRect(x, STRIP_H - h, Math.max(bw - (bw > 3 ? 1 : 0), 0.5), h);
    }
  }, [m, nb, w]);
  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const b = Math.min(nb - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * nb)));
    const first = Math.floor(m.mapping.start / SLOT);
    const s0 = first + Math.ceil((b * m.slots) / nb);
    const n = m.bins.slots[b];
    e.currentTarget.title = `${hex(s0 * SLOT)}–${hex((s0 + n) * SLOT)}: ${m.bins.withPages[b].toLocaleString('en')} of ${n.toLocaleString('en')} slot${n === 1 ? '' : 's'} hold pages (${m.bins.pages[b].toLocaleString('en')} pages)`;
  };
  return <canvas ref={ref} style={{ width: w, height: STRIP_H }} onMouseMove={onMove} aria-label={`${m.withPages} of ${m.slots} slots hold pages`} />;
}

export function InspectView({ snapshot: s, fileName }: { snapshot: InspectSnapshot; fileName: string }) {
  const close = useInspectView((st) => st.close);
  const all = useMemo(() => mappingBins(s, STRIP_W / 2), [s]);
  // The question a user brings: where are the slots without a page (where empty tables can be)?
  const [order, setOrder] = useState<'address' | 'empty'>('address');
  const rows = useMemo(() => (order === 'address' ? all : [...all].sort((a, b) => b.slots - b.withPages - (a.slots - a.withPages) || a.mapping.start - b.mapping.start)), [all, order]);
  const beyond = s.VmPTE - s.minimum.kB;
  const withPages = s.slots.delta.length;
  const spanned = all.reduce((a, r) => a + r.slots, 0);
  const taken = new Date(s.taken);
  return (
    <Overlay title="Live process snapshot" onClose={close}>
      <div className="inspect">
        <p className="muted">
          {fileName}: process {s.pid} ({s.name || 'unnamed'}), taken {Number.isNaN(taken.getTime()) ? s.taken : taken.toLocaleString()} by <code>ptlab inspect</code>; its kernel runs{' '}
          <strong>{s.kernel.mechanism}</strong> ({s.kernel.why}).
        </p>
        <div className="inspect-figures" aria-label="Snapshot figures">
          <div className="inspect-card">
            <span>VmPTE measured</span>
            <strong>{kB(s.VmPTE)}</strong>
          </div>
          <div className="inspect-card">
            <span>minimum for its pages</span>
            <strong>{kB(s.minimum.kB)}</strong>
            <small>
              {s.minimum.pte.toLocaleString('en')} PTE + {s.minimum.pmd} PMD + {s.minimum.pud} PUD tables
            </small>
          </div>
          <div className="inspect-card inspect-beyond">
            <span>beyond the minimum</span>
            <strong>{kB(beyond)}</strong>
            <small>{(beyond / 4).toLocaleString('en')} tables that map no page</small>
          </div>
          <div className="inspect-card">
            <span>resident / swapped</span>
            <strong>{size(s.presentPages * 4096)}</strong>
            <small>{size(s.swappedPages * 4096)} swapped</small>
          </div>
        </div>
        <p>
          {withPages.toLocaleString('en')} of the {spanned.toLocaleString('en')} 2 MiB slots its mappings span hold a page. Each slot without one may still hold an empty PTE table: /proc gives the number of tables (VmPTE), not which slots have them. Under baseline every slot ever touched keeps its table until munmap; pt-reclaim frees one when a
          MADV_DONTNEED covers its whole slot; pte-ref when its last entry goes.
        </p>
        <div className="inspect-legend" aria-label="Legend">
          <span>
            <i style={{ background: NO_PAGE }} /> no page
          </span>
          {[1, 128, 384, 512].map((p) => (
            <span key={p}>
              <i style={{ background: density(p) }} /> {p === 512 ? '512 pages (full)' : `${p}+ pages`}
            </span>
          ))}
          <span className="muted">bar height: share of the cell's slots that hold a page</span>
        </div>
        <p role="radiogroup" aria-label="Order of the mappings">
          Order:{' '}
          <label>
            <input type="radio" name="inspect-order" checked={order === 'address'} onChange={() => setOrder('address')} /> by address
          </label>{' '}
          <label>
            <input type="radio" name="inspect-order" checked={order === 'empty'} onChange={() => setOrder('empty')} /> most slots without a page first
          </label>
        </p>
        <table className="inspect-maps">
          <thead>
            <tr>
              <th scope="col">mapping</th>
              <th scope="col">size</th>
              <th scope="col">Rss</th>
              <th scope="col">slots with pages</th>
              <th scope="col">slots</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.mapping.start}>
                <td title={`${hex(r.mapping.start)}–${hex(r.mapping.end)} ${r.mapping.prot}${r.mapping.shared ? ' shared' : ''}`}>
                  <code>{hex(r.mapping.start)}</code> {r.mapping.path || '[anon]'}
                </td>
                <td>{size(r.mapping.end - r.mapping.start)}</td>
                <td>{kB(r.mapping.rssKb)}</td>
                <td>
                  {r.withPages.toLocaleString('en')} / {r.slots.toLocaleString('en')}
                </td>
                <td>
                  <Strip m={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Overlay>
  );
}

/** Shown while a snapshot is open (App renders it through lazy.tsx). */
export function InspectHost() {
  const snapshot = useInspectView((st) => st.snapshot);
  const fileName = useInspectView((st) => st.fileName);
  return snapshot ? <InspectView snapshot={snapshot} fileName={fileName} /> : null;
}

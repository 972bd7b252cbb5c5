// The mappings along a broken address axis, named as the scenario names
// them, with the PTE tables under them and the slots two VMAs share.
import { useEffect, useMemo, useRef, useState } from 'react';
import { axisModel, BREAK_W, sharedSlots, slotRuns } from '../../layout/addressAxis.ts';
import { EMPTY_COLOUR, HUGE_COLOUR } from '../../layout/colour.ts';
import { formatAddr, formatSize } from '../../scenario/index.ts';
import { useStore } from '../../store/store.ts';
import { selectHoverSlot } from '../../store/selectors.ts';
import type { Shown } from '../useShown.ts';
import { useLinkStore, type LinkingState } from '../../store/linking.ts';

const selectLineSlots = (l: LinkingState) => l.lineSlots;

const H = 74;
const VMA_Y = 16;
const VMA_H = 24;
const RUN_Y = 46;
const RUN_H = 10;
const SLOT = 2 * 1024 * 1024;
const RUN_FILL = { table: '#3b5b8c', empty: EMPTY_COLOUR, huge: HUGE_COLOUR } as const;
const KEY = [
  { fill: RUN_FILL.table, label: 'PTE tables' },
  { fill: RUN_FILL.empty, label: 'empty tables' },
  { fill: RUN_FILL.huge, label: 'huge pages' },
];
const KEY_W = KEY.length * 96;
const PALETTE = ['#cfe3f5', '#f5e2c8', '#d5efdf', '#eddcf1', '#f8d9d9', '#e5e5e5'];

export function MappingStrip({ shown }: { shown: Shown }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  const hover = useStore(selectHoverSlot);
  const linked = useLinkStore(selectLineSlots);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const live = useMemo(() => shown.items.filter((t) => t.status !== 'freed'), [shown.items]);
  const axis = useMemo(() => axisModel(shown.vmas, live, width), [shown.vmas, live, width]);
  const runs = useMemo(() => slotRuns(axis, live), [axis, live]);
  const shared = useMemo(() => sharedSlots(shown.vmas), [shown.vmas]);
  const names = [...new Set(shown.vmas.map((v) => v.name))];
  const hx = hover !== null ? axis.x(hover * SLOT + SLOT / 2) : null;

  return (
    <div className="mapstrip" ref={box}>
      <svg width={width} height={H} role="img" aria-label="Mappings along the address space">
        {axis.segments.map((s, k) => (
          <g key={s.start}>
            <line x1={s.x0} x2={s.x1} y1={RUN_Y + RUN_H + 3} y2={RUN_Y + RUN_H + 3} className="axis" />
            <text x={s.x0} y={H - 2} className="tick">
              {formatAddr(s.start)}
            </text>
            {k > 0 && (
              <text x={s.x0 - BREAK_W / 2} y={RUN_Y + RUN_H + 6} textAnchor="middle" className="axis-break">
                ≈
              </text>
            )}
          </g>
        ))}
        {shown.vmas.map((v) => {
          const x0 = axis.x(v.start) ?? 0;
          const x1 = Math.max(x0 + 1, axis.x(v.end) ?? x0 + 1);
          const label = `${v.name} ${formatSize(v.end - v.start)}`;
          return (
            <g key={`${v.start}-${v.end}`} className="vma">
              <rect x={x0} y={VMA_Y} width={x1 - x0} height={VMA_H} fill={PALETTE[names.indexOf(v.name) % PALETTE.length]} stroke="#667" strokeWidth={0.6}>
                <title>{`${v.name}: [${formatAddr(v.start)}, ${formatAddr(v.end)}) ${formatSize(v.end - v.start)} prot ${v.prot}${v.hugepage ? ' hugepage' : ''}`}</title>
              </rect>
              {x1 - x0 > label.length * 6.4 + 6 && (
                <text x={(x0 + x1) / 2} y={VMA_Y + 16} textAnchor="middle" className="vma-label">
                  {label}
                </text>
              )}
            </g>
          );
        })}
        {runs.map((r) => (
          <rect key={r.from} x={r.x0} y={RUN_Y} width={r.x1 - r.x0} height={RUN_H} fill={RUN_FILL[r.state]}>
            <title>{`${r.to - r.from} PTE table${r.to - r.from > 1 ? 's' : ''} ${r.state === 'empty' ? '(allocated, empty) ' : r.state === 'huge' ? '(huge pages) ' : ''}[${formatAddr(r.from * SLOT)}, ${formatAddr(r.to * SLOT)})`}</title>
          </rect>
        ))}
        {/* The slots the statement under the pointer in the editor touches (two-way linking). */}
        {[...linked].slice(0, 1024).map((s) => {
          const x = axis.x(s * SLOT + SLOT / 2);
          return x === null ? null : <rect key={`linked-${s}`} className="linked-slot" x={x - 2} y={VMA_Y - 2} width={4} height={RUN_Y + RUN_H - VMA_Y + 4} data-linked-slot={s} />;
        })}
        {shared.map((s) => {
          const x = axis.x(s * SLOT + SLOT / 2);
          return x === null ? null : (
            <text key={s} x={x} y={VMA_Y - 2} textAnchor="middle" className="shared-mark">
              ▼<title>{`slot ${formatAddr(s * SLOT)} is shared by more than one VMA`}</title>
            </text>
          );
        })}
        {hx !== null && <line x1={hx} x2={hx} y1={VMA_Y - 2} y2={RUN_Y + RUN_H + 2} className="hover-mark" />}
        <text x={0} y={10} className="strip-title">
          mappings{shared.length ? '  (▼ a 2 MiB slot shared by two or more VMAs)' : ''}
        </text>
        {/* The key to the runs under the mappings (slate is not on the view's count scale). */}
        <g className="strip-key" aria-label="Key" transform={`translate(${Math.max(0, width - KEY_W)}, 1)`}>
          {KEY.map((k, i) => (
            <g key={k.label} transform={`translate(${i * 96}, 0)`}>
              <rect width={10} height={10} fill={k.fill} />
              <text x={14} y={9} className="strip-key-label">
                {k.label}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}

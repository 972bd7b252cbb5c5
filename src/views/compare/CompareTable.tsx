// The lanes' figures at this step, their cost counters up to it and over the whole run, in one table.
import type { Counters, MechanismName } from '../../core/index.ts';
import { useStore } from '../../store/store.ts';
import { selectStep } from '../../store/selectors.ts';
import { laneCurrent } from '../../store/cursor.ts';
import { useShallow } from 'zustand/react/shallow';
import type { LaneState } from '../../store/state.ts';
import { savingAt } from '../../store/saving.ts';

type Row = { label: string; get(l: LaneState, i: number): number | string | null; unit?: string };

const at = (l: LaneState, i: number) => {
  const tl = l.timeline;
  if (!tl) return -2;
  return Math.min(i, tl.n - 1);
};
const tlValue = (key: 'vmPte' | 'rssAnon' | 'vmSize' | 'ptes' | 'alloc' | 'freed' | 'faults', initial?: (l: LaneState) => number) => (l: LaneState, i: number) => {
  const k = at(l, i);
  if (k === -2) return null;
  if (k < 0) return initial ? initial(l) : 0;
  return l.timeline![key][k];
};
const counter = (f: (c: Counters) => number) => (l: LaneState) => (l.summary ? f(l.summary.counters) : null);
/** The running counters at the step on screen (the lane's frame), 0 before the first step. */
const counterAt = (f: (c: Counters) => number) => (l: LaneState, i: number) => {
  if (i < 0) return 0;
  const s = l.frame?.step;
  return s && s.index === Math.min(i, (l.timeline?.n ?? 0) - 1) && s.costs ? f(s.costs) : null;
};

const STEP_ROWS: Row[] = [
  { label: 'VmPTE', get: tlValue('vmPte', (l) => l.summary?.initial.VmPTE ?? 0), unit: ' kB' },
  { label: 'RssAnon', get: tlValue('rssAnon', (l) => l.summary?.initial.RssAnon ?? 0), unit: ' kB' },
  { label: 'VmSize', get: tlValue('vmSize', (l) => l.summary?.initial.VmSize ?? 0), unit: ' kB' },
  { label: 'PTE tables', get: tlValue('ptes', (l) => l.summary?.initial.tables.pte ?? 0) },
  { label: 'allocated this step', get: tlValue('alloc') },
  { label: 'freed this step', get: tlValue('freed') },
  { label: 'faults this step', get: tlValue('faults') },
];

/** The cost counters, shown up to the current step and for the whole run. */
const COUNTERS: [string, (c: Counters) => number][] = [
  ['faults', (c) => c.faults],
  ['huge faults', (c) => c.hugeFaults],
  ['PTE tables allocated', (c) => c.tablesAllocated.pte],
  ['PTE tables freed', (c) => c.tablesFreed.pte],
  ['TLB flushes', (c) => c.tlbFlushes],
  ['refcount atomics', (c) => c.refcountAtomics],
  ['PMD locks', (c) => c.pmdLocks],
  ['PTE locks', (c) => c.pteLocks],
  ['entries scanned', (c) => c.entriesScanned],
  ['RCU frees', (c) => c.rcuFrees],
];

const COST_ROWS: Row[] = COUNTERS.map(([label, f]) => ({ label: `${label} so far`, get: counterAt(f) }));

const RUN_ROWS: Row[] = [
  { label: 'final VmPTE', get: (l) => l.summary?.final.VmPTE ?? null, unit: ' kB' },
  ...COUNTERS.map(([label, f]): Row => ({ label, get: counter(f) })),
  { label: 'simulation time', get: (l) => (l.summary ? l.summary.ms : null), unit: ' ms' },
];

const fmt = (v: number | string | null, unit = '') => (v === null ? '…' : typeof v === 'number' ? `${v.toLocaleString('en-US')}${unit}` : v);

export function CompareTable({ mechanisms }: { mechanisms: MechanismName[] }) {
  const step = useStore(selectStep);
  const lanes = useStore((s) => s.lanes);
  // A lane still computing shows '…', never its previous run's numbers.
  const current = useStore(useShallow((s) => mechanisms.map((m) => laneCurrent(s, m))));
  const section = (title: string, rows: Row[]) => (
    <>
      <tr>
        <th colSpan={mechanisms.length + 1} className="section">
          {title}
        </th>
      </tr>
      {rows.map((r) => {
        const vals = mechanisms.map((m, k) => (lanes[m] && current[k] ? r.get(lanes[m]!, step) : null));
        const nums = vals.filter((v): v is number => typeof v === 'number');
        const differ = nums.length > 1 && nums.some((v) => v !== nums[0]);
        return (
          <tr key={r.label} className={differ ? 'differ' : ''}>
            <th scope="row">{r.label}</th>
            {vals.map((v, k) => (
              <td key={mechanisms[k]} data-mechanism={mechanisms[k]} data-row={r.label}>
                {fmt(v, r.unit)}
              </td>
            ))}
          </tr>
        );
      })}
    </>
  );
  const allCurrent = current.every(Boolean);
  const saving = allCurrent ? savingAt(lanes, mechanisms, step) : null;
  const savingRows = (
    <>
      <tr>
        <th colSpan={mechanisms.length + 1} className="section" title="possible = baseline's VmPTE minus the minimum: the upper tables plus one PTE table per 2 MiB slot holding a live page">
          the possible saving{saving ? `: ${saving.possible.toLocaleString('en-US')} kB (minimum ${saving.minimum.toLocaleString('en-US')} kB, from the ${saving.basis})` : ''}
        </th>
      </tr>
      <tr>
        <th scope="row">captures</th>
        {mechanisms.map((m) => {
          const v = saving?.captures[m];
          return (
            <td key={m} data-mechanism={m} data-row="captures">
              {!saving ? (step < 0 ? '—' : mechanisms.includes('baseline') ? '…' : 'needs baseline') : v === null || v === undefined ? '—' : `${v}%`}
            </td>
          );
        })}
      </tr>
    </>
  );
  return (
    <table className="compare-table" aria-label="Figures and costs by mechanism">
      <thead>
        <tr>
          <th />
          {mechanisms.map((m, k) => (
            <th key={m} scope="col">
              {m}
              {!current[k] && <span className="muted"> (computing)</span>}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {section(step < 0 ? 'at the start' : `after step ${step + 1}`, STEP_ROWS)}
        {savingRows}
        {section(step < 0 ? 'costs so far' : `costs up to step ${step + 1}`, COST_ROWS)}
        {section('whole run', RUN_ROWS)}
      </tbody>
    </table>
  );
}

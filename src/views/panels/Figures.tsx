// The figures now, as /proc/<pid>/status prints them, with the change this step made.
import type { Figures as F } from '../../core/index.ts';
import { formatKiB } from '../../layout/chart.ts';

function Delta({ now, before }: { now: number; before: number | undefined }) {
  if (before === undefined || before === now) return null;
  const d = now - before;
  return <span className={d > 0 ? 'delta up' : 'delta down'}>{d > 0 ? '+' : '−'}{formatKiB(Math.abs(d))}</span>;
}

/** only: the figures to show (a compare lane shows VmPTE, RssAnon and PTE tables; the table below has the rest). */
export function Figures({ figures, before, only }: { figures: F; before?: F | null; only?: string[] }) {
  const rows: [string, number, number | undefined, boolean][] = [
    ['VmPTE', figures.VmPTE, before?.VmPTE, true],
    ['RssAnon', figures.RssAnon, before?.RssAnon, true],
    ['VmSize', figures.VmSize, before?.VmSize, true],
    // Only scenarios with `swap on` have swap entries.
    ...(figures.VmSwap || before?.VmSwap ? [['VmSwap', figures.VmSwap ?? 0, before ? (before.VmSwap ?? 0) : undefined, true] as [string, number, number | undefined, boolean]] : []),
    ['PTE tables', figures.tables.pte, before?.tables.pte, false],
    ['PMD tables', figures.tables.pmd, before?.tables.pmd, false],
    ['PUD tables', figures.tables.pud, before?.tables.pud, false],
  ];
  return (
    <dl className="figures" aria-label="Figures">
      {rows.filter(([k]) => !only || only.includes(k)).map(([k, v, b, kb]) => (
        <div key={k} data-figure={k}>
          <dt>{k}</dt>
          <dd>
            <span className="figure-value">{kb ? `${v.toLocaleString('en-US')} kB` : v.toLocaleString('en-US')}</span>
            {kb ? <Delta now={v} before={b} /> : b !== undefined && b !== v ? <span className={v > b ? 'delta up' : 'delta down'}>{v > b ? '+' : '−'}{Math.abs(v - b)}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

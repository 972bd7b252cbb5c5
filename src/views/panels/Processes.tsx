// After a fork: the processes side by side, each with its figures and its
// own page tables (PUD, PMD and PTE tables; pte-ref's counts stay per table),
// and a marker on every PTE table whose entries map pages another process
// maps too (fork shared them: mapcount > 1, copy on write). The main view
// above shows the first process's tree; this row shows all of them.
import type { ProcView } from '../../worker/protocol.ts';

const hex = (n: number): string => '0x' + n.toString(16);

function ProcLane({ p, first }: { p: ProcView; first: boolean }) {
  const shared = p.ptes.reduce((n, t) => n + t.shared, 0);
  return (
    <section className="proc-lane" data-proc={p.name} aria-label={`Process ${p.name}`}>
      <header>
        <strong>{p.name}</strong>
        {first && <span className="muted"> (statements without `in`)</span>}
      </header>
      <dl className="proc-figures">
        <div>
          <dt>VmPTE</dt>
          <dd data-figure="VmPTE">{p.figures.VmPTE} kB</dd>
        </div>
        <div>
          <dt>RssAnon</dt>
          <dd data-figure="RssAnon">{p.figures.RssAnon} kB</dd>
        </div>
        <div>
          <dt>shared pages</dt>
          <dd data-figure="shared">{shared}</dd>
        </div>
      </dl>
      <p className="proc-upper muted">
        {p.puds} PUD · {p.pmds} PMD · {p.ptes.length} PTE table{p.ptes.length === 1 ? '' : 's'}
      </p>
      <ul className="proc-ptes">
        {p.ptes.map((t) => (
          <li
            key={t.addr}
            className={`proc-pte${t.kind !== 0 ? ' huge' : ''}${t.shared ? ' shared' : ''}${t.kind === 0 && t.nonNone === 0 ? ' empty' : ''}`}
            title={`${hex(t.addr)}: ${t.kind === 1 ? 'huge PMD (deposited table)' : t.kind === 2 ? 'huge zero page' : `${t.nonNone} entries`}${t.shared ? `, ${t.shared} shared with another process (copy on write)` : ''}`}
          >
            <span className="addr">{hex(t.addr)}</span>
            <span className="n">{t.kind === 1 ? 'THP' : t.kind === 2 ? 'zero THP' : t.nonNone}</span>
            {t.shared > 0 && (
              <span className="share" aria-label={`${t.shared} shared`}>
                ⇄ {t.shared}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Processes({ procs }: { procs: ProcView[] | undefined }) {
  if (!procs || procs.length === 0) return null;
  return (
    <div className="procs" role="region" aria-label="Processes">
      {procs.map((p, i) => (
        <ProcLane key={p.name} p={p} first={i === 0} />
      ))}
    </div>
  );
}

// The tables a race reaches, drawn small: each slot's PMD entry and the PTE
// tables of that slot, linked (with an edge), detached and waiting for the
// TLB flush or RCU (dashed), or freed (red); entries, refcount, who holds the
// PTE lock and which CPU looks at it. The table raced over is outlined.
// Below: mmap_lock and the other locks with their holders, and the figures.
import type { RaceSnapshot, RaceTableView } from '../../core/index.ts';
import { formatAddr, formatKB } from '../../scenario/index.ts';
import { RACE_BOX_H, RACE_BOX_W, RACE_ENTRY_H, RACE_ENTRY_W, layoutRaceTables, lifeLabel } from '../../layout/race.ts';
import { racedTable } from '../../store/race.ts';

function users(snap: RaceSnapshot, id: number): string[] {
  return snap.cpus.filter((c) => c.view.table === id || c.view.pmd === `table #${id}` || c.view.refs.includes(id) || c.view.newTable === id).map((c) => `CPU ${c.id}`);
}

function lastLine(t: RaceTableView): string {
  if (t.freedBy) return `freed by CPU ${t.freedBy.cpu} at micro-step ${t.freedBy.microStep}`;
  if (t.detachedBy) return `PMD cleared by CPU ${t.detachedBy.cpu} at micro-step ${t.detachedBy.microStep}`;
  return t.lockedBy !== null ? `PTE lock held by CPU ${t.lockedBy}` : 'PTE lock free';
}

export function RaceTables({ snap }: { snap: RaceSnapshot }) {
  const raced = racedTable(snap);
  const lay = layoutRaceTables(snap.tables, raced);
  const refs = snap.mechanism === 'pte-ref';
  const mm = snap.mmapLock;
  const mmText = mm.writer !== null ? `held for write by CPU ${mm.writer}` : mm.readers.length ? `held for read by ${mm.readers.map((c) => `CPU ${c}`).join(' and ')}` : 'free';
  const others = snap.locks;
  return (
    <section className="race-tables" aria-label="Tables and locks">
      <h3>Page tables</h3>
      {snap.tables.length === 0 ? (
        <p className="muted">No PTE table under the CPUs' ranges yet.</p>
      ) : (
        <svg className="race-tree" width={lay.width} height={lay.height} viewBox={`0 0 ${lay.width} ${lay.height}`} role="img" aria-label="PMD entries and PTE tables of the race">
          {lay.edges.map((e) => (
            <path key={e.id} d={e.d} className="race-edge" />
          ))}
          {lay.entries.map((e) => (
            <g key={e.slot} transform={`translate(${e.x},${e.y})`} className="race-entry">
              <rect width={RACE_ENTRY_W} height={RACE_ENTRY_H} rx={4} />
              <text x={6} y={14}>PMD entry{e.none ? ': none' : ''}</text>
              <text x={6} y={27} className="race-addr">
                {formatAddr(e.addr)}
              </text>
            </g>
          ))}
          {lay.boxes.map((b) => {
            const t = b.table;
            const who = users(snap, t.id);
            return (
              <g key={t.id} transform={`translate(${b.x},${b.y})`} className={`race-box race-${t.state}${b.raced ? ' race-raced' : ''}`} data-table={t.id} data-state={t.state}>
                <title>{`table #${t.id}: ${lifeLabel(t.state)}${t.detachedBy ? `; PMD cleared by CPU ${t.detachedBy.cpu} (${t.detachedBy.by}) at micro-step ${t.detachedBy.microStep}` : ''}${t.freedBy ? `; freed by CPU ${t.freedBy.cpu} (${t.freedBy.by}) at micro-step ${t.freedBy.microStep}` : ''}`}</title>
                <rect width={RACE_BOX_W} height={RACE_BOX_H} rx={5} />
                <text x={7} y={15} className="race-box-title">
                  table #{t.id}
                </text>
                {who.length > 0 && (
                  <text x={RACE_BOX_W - 7} y={15} textAnchor="end" className="race-box-who">
                    ← {who.join(', ')}
                  </text>
                )}
                <text x={7} y={30} className="race-box-state">
                  {lifeLabel(t.state)}
                </text>
                <text x={7} y={45}>
                  {t.nonNone} {t.nonNone === 1 ? 'entry' : 'entries'}
                  {refs ? ` · refcount ${t.refcount}` : ''}
                </text>
                <text x={7} y={60} className="race-box-lock">
                  {lastLine(t)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {raced !== null && <p className="race-legend muted">red outline: the table raced over (outlined in the page-table view too)</p>}
      <h3>Locks</h3>
      <ul className="race-locks" aria-label="Locks">
        <li>
          <code>mmap_lock</code>: {mmText}
        </li>
        {others.map((l) => (
          <li key={l.name}>
            {l.name}: held by CPU {l.holder}
          </li>
        ))}
        {others.length === 0 && <li className="muted">no PMD or PTE lock held</li>}
      </ul>
      <p className="race-figures">
        <span>
          VmPTE <strong>{formatKB(snap.figures.VmPTE)}</strong>
        </span>
        <span>
          RssAnon <strong>{formatKB(snap.figures.RssAnon)}</strong>
        </span>
        <span>
          PTE tables <strong>{snap.figures.tables.pte}</strong>
        </span>
      </p>
    </section>
  );
}

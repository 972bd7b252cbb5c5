// The 512 entries of the selected PTE table, with their addresses.
import { ENTRY_COLS, ENTRY_KINDS, entryKind, entryRuns } from '../../layout/entries.ts';
import type { TableItem } from '../../layout/tables.ts';
import type { NamedVma } from '../../layout/vmas.ts';
import type { MechanismName } from '../../core/index.ts';
import { formatAddr } from '../../scenario/index.ts';
import { slotRange, tableInfo } from './tableInfo.ts';
import { TableHistory } from './TableHistory.tsx';

const CELL = 12;
/** Row labels: the offset into the slot ("+128K"); the slot's base address is in the title. */
const LABEL_W = 52;
const offsetLabel = (bytes: number) => (bytes === 0 ? '+0' : `+${bytes / 1024}K`);

interface Props {
  item: TableItem | null;
  slot: number;
  ents: Uint8Array | null;
  mechanism: MechanismName;
  vmas: NamedVma[];
  onClose(): void;
}

export function TableDetail({ item, slot, ents, mechanism, vmas, onClose }: Props) {
  const base = slot * 2 * 1024 * 1024;
  const info = item ? tableInfo(item, mechanism, vmas) : null;
  const rows = 512 / ENTRY_COLS;
  return (
    <aside className="detail" aria-label="PTE table entries">
      <header>
        <h3>{info ? info.title : `Slot ${slotRange(slot)}: no table`}</h3>
        <button type="button" aria-label="Close table detail" onClick={onClose}>
          ×
        </button>
      </header>
      {info && (
        <dl className="detail-info">
          {info.lines.map((l) => (
            <div key={l.k}>
              <dt>{l.k}</dt>
              <dd>{l.v}</dd>
            </div>
          ))}
        </dl>
      )}
      {item && <TableHistory slot={slot} />}
      {ents ? (
        <>
          <svg className="entries" width={ENTRY_COLS * CELL + LABEL_W} height={rows * CELL + 2} role="img" aria-label={`512 entries, rows of ${ENTRY_COLS} from ${formatAddr(base)}`}>
            {Array.from({ length: rows }, (_, r) => (
              <text key={r} x={LABEL_W - 4} y={r * CELL + CELL - 2} textAnchor="end" className="entries-addr">
                {offsetLabel(r * ENTRY_COLS * 4096)}
                <title>{formatAddr(base + r * ENTRY_COLS * 4096)}</title>
              </text>
            ))}
            {Array.from(ents, (e, k) => (
              <rect key={k} x={LABEL_W + (k % ENTRY_COLS) * CELL} y={Math.floor(k / ENTRY_COLS) * CELL} width={CELL - 1} height={CELL - 1} fill={entryKind(e).colour}>
                <title>{`${formatAddr(base + k * 4096)}: ${entryKind(e).name}`}</title>
              </rect>
            ))}
          </svg>
          <ul className="entries-legend">
            {ENTRY_KINDS.map((k) => (
              <li key={k.code}>
                <span className="sw" style={{ background: k.colour }} /> {k.name}
              </li>
            ))}
          </ul>
          <ol className="entries-runs">
            {entryRuns(ents, slot).slice(0, 40).map((r) => (
              <li key={r.from}>
                <code>{formatAddr(r.start)}–{formatAddr(r.end)}</code> {r.to - r.from} × {entryKind(r.code).name}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p className="muted">{item ? 'loading entries…' : 'No PTE table maps this slot at this step.'}</p>
      )}
    </aside>
  );
}

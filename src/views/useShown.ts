// What a lane shows right now: the core's snapshot at the step, or, inside a
// step, the state before it with the first k+1 recorded events applied.
import { useMemo } from 'react';
import type { MechanismName, SimEvent, StepResult } from '../core/index.ts';
import { applyEvents } from '../layout/events.ts';
import { tableItems, type TableItem } from '../layout/tables.ts';
import { nameVmas, type NamedVma } from '../layout/vmas.ts';
import { laneCurrent, primaryOf, shownLane } from '../store/cursor.ts';
import { useStore, type PtlabState } from '../store/store.ts';
import type { ViewSnapshot } from '../worker/protocol.ts';

export interface Shown {
  /** The lane whose frame this is: after a mechanism switch, the previous mechanism's until the new one has a frame. */
  mechanism: MechanismName;
  /** Not the current run's (a previous scenario's, or another mechanism's): the views dim it and say so. */
  stale: boolean;
  snapshot: ViewSnapshot;
  prev: ViewSnapshot | null;
  step: StepResult | null;
  items: TableItem[];
  vmas: NamedVma[];
  /** Inside a step: its events and the one just applied. */
  events: SimEvent[] | null;
  event: number | null;
  /** Entries of the tables the events touched (event stepping only). */
  eventEntries: Map<number, Uint8Array> | null;
}

const selectEventFor = (m: MechanismName) => (s: PtlabState) => (m === primaryOf(s) ? s.event : null);

export function useShown(m: MechanismName): Shown | null {
  // While m computes, the frame on screen may be a previous run's or, after a switch, the held lane's (marked stale).
  const lane = useStore(useMemo(() => (s: PtlabState) => shownLane(s, m), [m]));
  const stale = useStore(useMemo(() => (s: PtlabState) => !laneCurrent(s, m), [m]));
  const frame = lane?.frame ?? null;
  const prevFrame = lane?.prevFrame ?? null;
  const from = lane?.mechanism ?? m;
  const event = useStore(useMemo(() => selectEventFor(m), [m]));
  return useMemo(() => {
    if (!frame) return null;
    let snapshot = frame.snapshot;
    let prev = prevFrame?.snapshot ?? null;
    let eventEntries: Map<number, Uint8Array> | null = null;
    const inside = event !== null && event >= 0 && frame.events && frame.before;
    if (inside) {
      const st = applyEvents(frame.before!, frame.beforeEntries ?? [], frame.events!, event);
      snapshot = st.snapshot;
      eventEntries = st.entries;
      prev = event > 0 ? applyEvents(frame.before!, frame.beforeEntries ?? [], frame.events!, event - 1).snapshot : frame.before!;
      // Both carry the index of the state before the step: mark the patched one as the next.
      snapshot = { ...snapshot, index: snapshot.index + 1 };
    }
    return {
      mechanism: from,
      stale,
      snapshot,
      prev,
      step: frame.step,
      items: tableItems(snapshot, from, prev),
      vmas: nameVmas(snapshot),
      events: inside ? frame.events! : null,
      event: inside ? event : null,
      eventEntries,
    };
  }, [frame, prevFrame, event, from, stale]);
}

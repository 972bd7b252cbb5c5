// What the page-table view hands either of its two drawings (nodes or strips).
import type { ZoomTransform } from 'd3';
import type { TableItem } from '../../layout/tables.ts';
import type { Shown } from '../useShown.ts';
import type { ZoomControls, ZoomSync } from '../useZoom.ts';
import type { ZoomGroup } from '../zoomGroup.ts';

export interface PtViewProps {
  shown: Shown;
  selectedSlot: number | null;
  hoverSlot: number | null;
  /** The strip view also names the slot under the pointer when no table is there. */
  onHover(item: TableItem | null, e?: React.MouseEvent, slot?: number): void;
  onPick(item: TableItem): void;
  controlsRef: React.MutableRefObject<ZoomControls | null>;
  /** Zoom the user made (wheel, drag, pinch): for the semantic switch between nodes and strips. */
  onUserZoom?(t: ZoomTransform): void;
  label: string;
  /** The primary view shares its zoom with the store (links). */
  sync?: ZoomSync;
  /** How far fitting may magnify (lecture mode: more, for the back row). */
  fitMaxK?: number;
  /** What is drawn (scenario and design): new content is fitted once; steps of the same content never re-fit by themselves. */
  contentKey?: string;
  /** Slots the statement under the pointer in the editor touches (two-way linking). */
  linked?: ReadonlySet<number>;
  /** Compare lanes: one zoom and pan for all. */
  group?: ZoomGroup;
}

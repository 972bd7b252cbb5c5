// Opening a .ptlab file, or a .json snapshot of `ptlab inspect --save` (file picker or drag and drop): the size is checked
// before the file is read, so a huge file says so instead of freezing the tab.
import { useEffect, useState } from 'react';
import { MAX_CHARS } from '../../store/limits.ts';
import { useStore } from '../../store/store.ts';
import { useInspectView } from '../../store/inspectView.ts';
import { checkInspectSnapshot } from '../../share/inspectSnapshot.ts';

/** A snapshot of a live process (ptlab inspect --save): JSON, checked field by field before it is shown. */
const MAX_SNAPSHOT_BYTES = 256 * 2 ** 20;
async function openInspectSnapshot(file: File): Promise<void> {
  const s = useStore.getState();
  if (file.size > MAX_SNAPSHOT_BYTES) {
    s.setNotice(`${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MiB; a snapshot may be at most ${MAX_SNAPSHOT_BYTES / 2 ** 20} MiB.`);
    return;
  }
  const r = checkInspectSnapshot(await file.text());
  if (!r.ok) {
    s.setNotice(`${file.name}: ${r.message}.`);
    return;
  }
  useInspectView.getState().show(r.snapshot, file.name);
}

export async function openScenarioFile(file: File): Promise<void> {
  const s = useStore.getState();
  if (/\.json$/i.test(file.name)) {
    try {
      await openInspectSnapshot(file);
    } catch {
      s.setNotice(`${file.name} could not be read.`);
    }
    return;
  }
  // UTF-8 text: at most 4 bytes a character.
  if (file.size > MAX_CHARS * 4) {
    s.setNotice(`${file.name} is ${(file.size / 1024).toFixed(0)} KiB; a scenario may be at most ${MAX_CHARS / 1024} KiB of text.`);
    return;
  }
  try {
    const text = await file.text();
    if (text.includes('\u0000')) {
      s.setNotice(`${file.name} is not a text file.`);
      return;
    }
    s.openScenario(text.replace(/\r\n?/g, '\n'));
    s.setNotice(`Opened ${file.name}.`);
  } catch {
    s.setNotice(`${file.name} could not be read.`);
  }
}

const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');

/** Drop a .ptlab file anywhere on the page to open it; true while a file is dragged over the page. */
export function useFileDrop(enabled: boolean): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (!depth) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      // Our own handler, not CodeMirror's (which would paste the text at the drop point).
      e.preventDefault();
      e.stopPropagation();
      depth = 0;
      setOver(false);
      const f = e.dataTransfer?.files[0];
      if (f) void openScenarioFile(f);
    };
    window.addEventListener('dragenter', enter, true);
    window.addEventListener('dragleave', leave, true);
    window.addEventListener('dragover', overFn, true);
    window.addEventListener('drop', drop, true);
    return () => {
      window.removeEventListener('dragenter', enter, true);
      window.removeEventListener('dragleave', leave, true);
      window.removeEventListener('dragover', overFn, true);
      window.removeEventListener('drop', drop, true);
    };
  }, [enabled]);
  return over;
}

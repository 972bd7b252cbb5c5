// The inspect snapshot on screen (ptlab inspect --save FILE, opened by file
// picker or drop): a store of its own, apart from the scenario's.
import { create } from 'zustand';
import type { InspectSnapshot } from '../share/inspectSnapshot.ts';

interface InspectViewState {
  snapshot: InspectSnapshot | null;
  fileName: string;
  show(snapshot: InspectSnapshot, fileName: string): void;
  close(): void;
}

export const useInspectView = create<InspectViewState>((set) => ({
  snapshot: null,
  fileName: '',
  show: (snapshot, fileName) => set({ snapshot, fileName }),
  close: () => set({ snapshot: null, fileName: '' }),
}));

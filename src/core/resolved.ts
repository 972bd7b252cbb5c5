// A statement with its mapping name resolved to absolute addresses: what the
// simulator actually executed, and what the kernel twin (kernel/) replays on
// the running kernel. Addresses and lengths are bytes; len is page aligned.
import type { Advice, KhugepagedLimits, MmapBacking, Prot, ThpMode } from '../scenario/ast.ts';

export type ResolvedOp =
  | ({ op: 'mmap'; addr: number; len: number; prot: Prot; hugepage: boolean; fixed: boolean } & Pick<MmapBacking, 'file' | 'shared' | 'stack'> & { replace?: boolean })
  | { op: 'touch' | 'read'; addr: number; len: number }
  | { op: 'madvise'; addr: number; len: number; advice: Advice }
  | { op: 'munmap'; addr: number; len: number }
  | { op: 'mprotect'; addr: number; len: number; prot: Prot }
  | { op: 'mincore' | 'pagemap'; addr: number; len: number }
  | { op: 'mremap'; addr: number; len: number; to: number }
  | { op: 'thp'; mode: ThpMode }
  | { op: 'swap'; on: boolean }
  | ({ op: 'khugepaged'; collapsed: number } & KhugepagedLimits<number>)
  | { op: 'process'; kind: 'small-c' | 'empty' }
  // A recorded program's statements (src/record); the kernel twin does not replay them.
  | { op: 'faults'; runs: { addr: number; len: number; write: boolean }[] }
  | { op: 'brk'; start: number; end: number }
  | { op: 'populate'; addr: number; len: number; anon: boolean }
  | { op: 'zeropage'; on: boolean }
  // Several processes: the twin forks, exits, and sends a statement to another process.
  | { op: 'fork'; child: string }
  | { op: 'exit'; proc: string }
  | { op: 'in'; proc: string; body: ResolvedOp };

// A soak sequence as .ptlab text that `ptlab run FILE --mechanism all --check`
// replays exactly (its statements compile to the same flat stream).
import type { FlatOp } from '../scenario/ast.ts';
import { formatAddr, formatSize } from '../scenario/format.ts';
import type { Sequence } from './generate.ts';

export function formatOp(op: FlatOp): string {
  switch (op.op) {
    case 'mmap':
      return `mmap ${op.name} ${formatSize(op.size)}${op.at !== undefined ? ` at ${formatAddr(op.at)}` : ''}${op.hugepage ? ' hugepage' : ''}${op.prot !== 'rw' ? ` prot ${op.prot}` : ''}`;
    case 'touch':
    case 'read':
    case 'mincore':
    case 'pagemap':
      return `${op.op} ${op.name} ${formatSize(op.off)} ${formatSize(op.len)}`;
    case 'madvise':
      return `madvise ${op.name} ${formatSize(op.off)} ${formatSize(op.len)} ${op.advice}`;
    case 'munmap':
      return `munmap ${op.name} ${formatSize(op.off)} ${formatSize(op.len)}`;
    case 'mprotect':
      return `mprotect ${op.name} ${formatSize(op.off)} ${formatSize(op.len)} ${op.prot}`;
    case 'mremap':
      return `mremap ${op.name} to ${formatAddr(op.to)}`;
    case 'thp':
      return `thp ${op.mode}`;
    case 'zeropage':
      return `zeropage ${op.on ? 'on' : 'off'}`;
    case 'swap':
      return `swap ${op.on ? 'on' : 'off'}`;
    case 'khugepaged':
      return ['khugepaged', ...(op.maxPtesNone !== undefined ? [`max_ptes_none ${op.maxPtesNone}`] : []), ...(op.maxPtesSwap !== undefined ? [`max_ptes_swap ${op.maxPtesSwap}`] : []), ...(op.maxPtesShared !== undefined ? [`max_ptes_shared ${op.maxPtesShared}`] : [])].join(' ');
    default:
      throw new Error(`the soak cannot print a ${op.op} statement`);
  }
}

export function formatSequence(seq: Sequence, header: string[] = []): string {
  const lines = [...header.map((h) => `# ${h}`), `thp ${seq.thp}`];
  if (!seq.zeroPage) lines.push('zeropage off');
  for (const op of seq.ops) lines.push(formatOp(op));
  return lines.join('\n') + '\n';
}

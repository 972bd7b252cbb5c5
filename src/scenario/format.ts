// The scenario language's notation, both ways: number literals (2M, 0x200000,
// 1_000, 4KB) to numbers, byte sizes to that suffix notation (2M, 4K, 6G),
// addresses to 0x hex; plus the source-line splitting and "did you mean"
// helpers that parser messages use.

const UNITS: readonly [string, number][] = [
  ['T', 2 ** 40],
  ['G', 2 ** 30],
  ['M', 2 ** 20],
  ['K', 2 ** 10],
];

/**
 * A byte count with the largest K/M/G/T suffix that divides it exactly, so the
 * result parses back to the same number: 2097152 -> "2M", 4096 -> "4K",
 * 1536 -> "1536", 0x180000000 -> "6G", 0 -> "0".
 */
export function formatSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes === 0) return String(bytes);
  const abs = Math.abs(bytes);
  const sign = bytes < 0 ? '-' : '';
  for (const [suffix, unit] of UNITS) {
    if (abs % unit === 0) return `${sign}${abs / unit}${suffix}`;
  }
  return String(bytes);
}

/** An address as lowercase 0x hex: 0x100000200000 -> "0x100000200000". */
export function formatAddr(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  return `${n < 0 ? '-' : ''}0x${Math.abs(n).toString(16)}`;
}

/** A kB figure as /proc/<pid>/status prints it: 102640 -> "102640 kB". */
export function formatKB(kb: number): string {
  return `${kb} kB`;
}

const NUM_RE = /^(?:0[xX]([0-9a-fA-F](?:_?[0-9a-fA-F])*)|([0-9](?:_?[0-9])*))(?:([kmgtKMGT])[bB]?)?$/;
const UNIT: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Parses one number literal: value in bytes and the suffix multiplier. */
export function parseNumber(text: string): { value: number; unit: number } | 'format' | 'range' {
  const m = NUM_RE.exec(text);
  if (!m) return 'format';
  const digits = (m[1] ?? m[2]).replace(/_/g, '');
  if (digits.length > 40) return 'range';
  const unit = m[3] ? UNIT[m[3].toLowerCase()] : 1;
  const big = BigInt(m[1] !== undefined ? '0x' + digits : digits) * BigInt(unit);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return 'range';
  return { value: Number(big), unit };
}

/** The source's lines as shown in errors (a `\r` before `\n` dropped). */
export function sourceLines(source: string): string[] {
  const lines = source.split('\n');
  for (let k = 0; k < lines.length - 1; k++) if (lines[k].endsWith('\r')) lines[k] = lines[k].slice(0, -1);
  return lines;
}

/** Edit distance counting a swap of neighbours as one edit, for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate (case-insensitive), if it is close enough to be a typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 40) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= (best.length <= 3 ? 1 : 2) ? best : undefined;
}


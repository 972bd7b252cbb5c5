// The ptlab command as a user runs it: exit codes, the JSON contract, and
// error messages that name the file, line and column.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/ptlab.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ptlab-cli-'));
const file = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const ptlab = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: args.includes('-') ? 'mmap A 4M at 0x100000000000\ntouch A 0 4K\n' : undefined });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('ptlab run', () => {
  it('prints the documented JSON: one step per executed statement, figures in kB', () => {
    const f = file('a.ptlab', 'mmap A 4M at 0x100000000000\nrepeat 2 { touch A i*2M 4K }\nmadvise A 0 2M dontneed\n');
    const r = ptlab('run', f, '--mechanism', 'pt-reclaim', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.results).toHaveLength(1);
    const res = j.results[0];
    expect(res.mechanism).toBe('pt-reclaim');
    expect(res.steps.map((s: { line: number }) => s.line)).toEqual([1, 2, 2, 3]);
    expect(res.steps[1]).toEqual({ line: 2, text: 'touch A i*2M 4K', iter: 0, VmPTE: 12, RssAnon: 4, VmSize: 4096, tables: { pud: 1, pmd: 1, pte: 1 } });
    expect(res.steps[3].VmPTE).toBe(12);
    expect(res.final).toEqual({ VmPTE: 12, RssAnon: 4, VmSize: 4096, tables: { pud: 1, pmd: 1, pte: 1 } });
    expect(res.counters.tablesFreed.pte).toBe(1);
  });
  it('runs all three mechanisms by default and reads standard input with -', () => {
    const r = ptlab('run', '-', '--format', 'json', '--steps', 'final');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.results.map((x: { mechanism: string }) => x.mechanism)).toEqual(['baseline', 'pte-ref', 'pt-reclaim']);
    expect(j.results[0].steps).toBeUndefined();
  });
  it('exits 2 on a parse error, naming file:line:col with a caret', () => {
    const f = file('bad.ptlab', 'mmap A 4M\ntuch A 0 4K\n');
    const r = ptlab('run', f);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}:2:1: error:`);
    expect(r.err).toMatch(/did you mean 'touch'/);
    expect(r.out).toBe('');
  });
  it('exits 1 on a failed expect and on a runtime error, with the line', () => {
    const f = file('exp.ptlab', 'mmap A 4M at 0x100000000000\ntouch A 0 4K\nexpect VmPTE 8K\n');
    const r = ptlab('run', f, '--mechanism', 'baseline');
    expect(r.code).toBe(1);
    expect(r.err).toContain('line 3: expected VmPTE 8 kB, got 12 kB (baseline)');
    const g = file('segv.ptlab', 'mmap A 4M at 0x100000000000 prot r\ntouch A 0 4K\nmunmap A 0 4M\n');
    const s = ptlab('run', g, '--mechanism', 'baseline');
    expect(s.code).toBe(1);
    expect(s.err).toContain(`${g}:2: baseline: SIGSEGV`);
  });
  it('rejects unknown options and mechanisms', () => {
    expect(ptlab('run', 'x', '--frobnicate').code).toBe(2);
    const f = file('ok.ptlab', 'mmap A 4M\n');
    const r = ptlab('run', f, '--mechanism', 'magic');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--mechanism must be one of/);
  });
});

describe('ptlab check and kernel', () => {
  it('check parses only', () => {
    const f = file('c.ptlab', 'repeat 3 { mmap A 4M }\n');
    const r = ptlab('check', f);
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 statements');
  });
  it('kernel refuses a scenario whose mappings have no fixed address, naming the line', () => {
    const f = file('k.ptlab', 'mmap A 4M at 0x100000000000\nmmap B 4M\n');
    const r = ptlab('kernel', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/line 2: `mmap B 4M` has no `at` address/);
  });
  it('kernel --emit-c writes a standalone C program', () => {
    const f = file('e.ptlab', 'mmap A 4M at 0x100000000000\ntouch A 0 4K\n');
    const out = join(tmp, 'twin.c');
    const r = ptlab('kernel', f, '--emit-c', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('cc -O2');
  });
});

describe('ptlab sweep', () => {
  it('prints CSV and JSON: pte-ref captures 100% of page-granular DONTNEED purges, pt-reclaim 0%', () => {
    const csv = ptlab('sweep', '--purge', 'dontneed', '--ratios', '10', '--arena', '128M', '--ticks', '40', '--format', 'csv');
    expect(csv.code).toBe(0);
    const [head, row] = csv.out.trim().split('\n');
    expect(head.split(',').slice(-2)).toEqual(['captures_pte-ref_pct', 'captures_pt-reclaim_pct']);
    expect(row.split(',').slice(-2)).toEqual(['100', '0']);
    const json = ptlab('sweep', '--purge', 'hugepage', '--ratios', '10', '--arena', '128M', '--ticks', '40', '--format', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).points[0].captures).toEqual({ baseline: 0, 'pte-ref': 100, 'pt-reclaim': 100 });
  });
  it('refuses bad options with exit 2', () => {
    const r = ptlab('sweep', '--purge', 'sometimes');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--purge must be one of dontneed, decay, free, hugepage or all/);
    expect(ptlab('sweep', '--ratios', '1').err).toMatch(/from 2/);
  });
});

describe('ptlab compare', () => {
  const preset = fileURLToPath(new URL('../../scenarios/15-virt-res-010.ptlab', import.meta.url));
  it('prints the designs from one pass each: end figures the preset expects, the saving each captures, costs; CSV and JSON', () => {
    const expects = Object.fromEntries([...readFileSync(preset, 'utf8').matchAll(/^expect (\S+) VmPTE (\d+)K$/gm)].map((m) => [m[1], Number(m[2])]));
    const j = ptlab('compare', preset, '--format', 'json');
    expect([j.code, j.err]).toEqual([0, '']);
    const out = JSON.parse(j.out);
    expect(out.designs.map((d: { mechanism: string; final: { VmPTE: number } }) => [d.mechanism, d.final.VmPTE])).toEqual(Object.entries(expects));
    // Page-granular DONTNEED purges: pte-ref frees every emptied table, pt-reclaim none.
    expect(out.designs.map((d: { capturesPercentAtEnd: number }) => d.capturesPercentAtEnd)).toEqual([0, 100, 0]);
    expect(out.designs[1].costs['refcount atomics']).toBeGreaterThan(0);
    const csv = ptlab('compare', preset, '--format', 'csv', '--points', '3').out.trim().split('\n');
    expect(csv[0]).toBe('percent of run,step,baseline VmPTE kB,pte-ref VmPTE kB,pt-reclaim VmPTE kB,minimum VmPTE kB');
    expect(csv[3]).toBe(`100,${out.steps},${expects.baseline},${expects['pte-ref']},${expects['pt-reclaim']},${out.minimumVmPteKb}`);
    const table = ptlab('compare', preset);
    expect(table.out).toMatch(/^captures of the possible saving, at the end +0% +100% +0%$/m);
    expect(table.out).toMatch(/^RCU frees +0 +80 +0$/m);
  });
  it('refuses what it cannot read or parse, with exit 2', () => {
    expect(ptlab('compare').code).toBe(2);
    expect(ptlab('compare', preset, '--format', 'xml').err.trim()).toBe("ptlab compare: --format must be table, csv or json, not 'xml'");
    const bad = ptlab('compare', file('bad-compare.ptlab', 'mmap A 4M\nbogus 1\n'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad-compare\.ptlab:2:1: /);
  });
});

describe('ptlab curves', () => {
  const preset = fileURLToPath(new URL('../../scenarios/31-recorded-jemalloc.ptlab', import.meta.url));
  it('prints a recording beside the generator at its parameters, as CSV: the recording ends at the kernel\'s figure', () => {
    const r = ptlab('curves', preset, '--generator', '--format', 'csv', '--points', '3');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [head, ...rows] = r.out.trim().split('\n').map((l) => l.split(','));
    expect(head[0]).toBe('percent of run');
    expect(head.filter((h) => h.endsWith('pt-reclaim VmPTE kB')).length).toBe(2);
    expect(rows.map((x) => x[0])).toEqual(['0', '50', '100']);
    const kernel = [...readFileSync(preset, 'utf8').matchAll(/^expect pt-reclaim VmPTE (\d+)$/gm)].pop()![1];
    expect(rows[2][head.indexOf(`${preset} pt-reclaim VmPTE kB`)]).toBe(kernel);
    const table = ptlab('curves', preset, '--generator');
    expect(table.out).toMatch(/\[2\] generator at 31-recorded-jemalloc's parameters/);
    expect(table.out).toMatch(/next-fit walks the whole arena/);
  });
  it('refuses what it cannot pair or read, with exit 2', () => {
    const unpaired = ptlab('curves', fileURLToPath(new URL('../../scenarios/12-server-day-jemalloc.ptlab', import.meta.url)), '--generator');
    expect([unpaired.code, unpaired.err.trim()]).toEqual([2, expect.stringMatching(/^ptlab curves: --generator: no generator is paired with .*12-server-day-jemalloc\.ptlab/)]);
    expect(ptlab('curves', 'no-such.ptlab').err.trim()).toBe('ptlab curves: cannot read no-such.ptlab: no such file');
    expect(ptlab('curves', preset, '--points', '1').code).toBe(2);
  });
});

// ptlab run with several processes: a row per other process after each step,
// the final figures of every process, the JSON's `processes`, and a failed
// per-process expect or an unknown process as the documented errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/ptlab.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ptlab-fork-'));
const file = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const ptlab = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const SRC = 'mmap A 4M at 0x100000000000\ntouch A 0 1M\nfork\nin child: madvise A 0 2M dontneed\n';

describe('ptlab run with fork', () => {
  it("prints each process's figures after a step and at the end", () => {
    const r = ptlab('run', file('f.ptlab', SRC), '--mechanism', 'pt-reclaim');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    const at = lines.findIndex((l) => /^\s+4\s+in child: madvise/.test(l));
    expect(lines[at]).toMatch(/12 kB\s+1024 kB/); // the first process's figures
    expect(lines[at + 1]).toMatch(/└ child\s+8 kB\s+0 kB/);
    expect(r.out).toContain('final parent: VmPTE 12 kB, RssAnon 1024 kB');
    expect(r.out).toContain('final child: VmPTE 8 kB, RssAnon 0 kB');
  });
  it('writes processes per step and finalProcesses in JSON', () => {
    const r = ptlab('run', file('g.ptlab', SRC), '--mechanism', 'baseline', '--format', 'json');
    const res = JSON.parse(r.out).results[0];
    expect(res.steps[1].processes).toBeUndefined();
    expect(res.steps[2].processes.map((p: { name: string; VmPTE: number }) => [p.name, p.VmPTE])).toEqual([['parent', 12], ['child', 12]]);
    expect(res.finalProcesses[1]).toMatchObject({ name: 'child', VmPTE: 12, RssAnon: 0 });
  });
  it('fails a per-process expect and an unknown process with the line', () => {
    const bad = ptlab('run', file('h.ptlab', SRC + 'expect child VmPTE 99\n'), '--mechanism', 'baseline');
    expect(bad.code).toBe(1);
    expect(bad.out + bad.err).toContain("line 5: expected child's VmPTE 99 kB, got 12 kB (baseline)");
    const unknown = ptlab('run', file('i.ptlab', 'in kid: mmap A 2M\n'), '--mechanism', 'baseline');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no process named kid (processes: parent)');
    const parse = ptlab('check', file('j.ptlab', 'in child touch A 0 4K\n'));
    expect(parse.code).toBe(2);
    expect(parse.err).toContain("expected ':' after 'in child'");
  });
});

// ptlab record [--out FILE] [--preload LIB] [--keep-trace FILE] [--json] -- CMD [ARGS...]
// Records CMD (src/record), replays the recording under the three designs
// and prints the kernel's figures at exit beside ptlab's.
import { runFlat, type RunSummary } from '../core/index.ts';
import { MECHANISMS } from '../scenario/index.ts';
import { defaultOut, record, recordSupport, type Recording } from '../record/record.ts';
import { statSync } from 'node:fs';
import { annotate } from '../record/annotate.ts';
import { compileFile } from './load.ts';

export const RECORD_USAGE = 'ptlab record [--out FILE] [--preload LIB] [--after-ldso] [--keep-trace FILE] [--json] -- CMD [ARGS...]';

const kb = (n: number): string => `${n.toLocaleString('en')} kB`;

export interface Replay {
  /** mechanism -> final figures. */
  results: RunSummary[];
  kernel: { VmPTE: number; RssAnon: number } | undefined;
  start: { kernel?: { VmPTE: number; RssAnon: number } };
}

export function replay(file: string): { ok: true; results: RunSummary[] } | { ok: false; message: string } {
  const c = compileFile(file);
  if (!c.ok) return { ok: false, message: c.message };
  const results = MECHANISMS.map((m) => runFlat(c.result.program, { mechanism: m, keepSteps: false }, c.result.initialExpects));
  return { ok: true, results };
}

export async function cmdRecord(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const opts = dash < 0 ? argv : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  let out: string | undefined;
  let keepTrace: string | undefined;
  let json = false;
  let fromExec = true;
  const preload: string[] = [];
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i];
    const val = (): string | undefined => opts[++i];
    if (a === '--out') out = val();
    else if (a === '--keep-trace') keepTrace = val();
    else if (a === '--after-ldso') fromExec = false;
    else if (a === '--preload') {
      const v = val();
      if (v) preload.push(v);
    } else if (a === '--json') json = true;
    else {
      console.error(`ptlab record: unknown option ${a}\nusage: ${RECORD_USAGE}`);
      return 2;
    }
  }
  if (command.length === 0) {
    console.error(`ptlab record: which command? Put it after --\nusage: ${RECORD_USAGE}`);
    return 2;
  }
  const support = recordSupport();
  if (!support.ok) {
    console.error(`ptlab record: ${support.reason}`);
    return 2;
  }
  const tty = process.stderr.isTTY;
  let rec: Recording;
  try {
    rec = await record({ command, out: out ?? defaultOut(command[0]), preload, keepTrace, fromExec, progress: tty ? (m) => process.stderr.write(`ptlab record: ${m}\n`) : undefined });
  } catch (e) {
    console.error(`ptlab record: ${(e as Error).message}`);
    return 2;
  }
  const r = rec.report;
  // Captions where the designs part ways (files up to 64 MB: annotate reads the whole file).
  if (statSync(rec.out).size < 64 << 20) annotate(rec.out);
  if (r.refused) {
    console.error(`ptlab record: ${r.refused}; the scenario in ${rec.out} covers the parent only and is not exact`);
  }
  const rep = replay(rec.out);
  if (!rep.ok) {
    console.error(`ptlab record: the recording does not parse (a bug in the converter): ${rep.message.split('\n')[0]}`);
    return 1;
  }
  const byMech = new Map(rep.results.map((x) => [x.mechanism, x]));
  const kernel = rec.snapshot.figures.get('exit');
  const pr = byMech.get('pt-reclaim')!;
  const exact = !!kernel && !pr.error && r.lost === 0 && !r.refused && pr.final.VmPTE === kernel.VmPTE && pr.final.RssAnon === kernel.RssAnon;
  if (json) {
    process.stdout.write(JSON.stringify({
      out: rec.out, exitCode: r.exitCode, steps: r.steps, faults: r.faults, syscalls: r.syscalls, lost: r.lost,
      refused: r.refused, recovered: r.recovered, inexact: Object.fromEntries(r.inexact), kernel: { start: rec.snapshot.figures.get('start') ?? null, exit: kernel ?? null },
      ptlab: Object.fromEntries(rep.results.map((x) => [x.mechanism, { VmPTE: x.final.VmPTE, RssAnon: x.final.RssAnon, error: x.error?.error.message ?? null }])),
      exact,
    }) + '\n');
  } else {
    console.log(`recorded ${command.join(' ')}: ${r.faults.toLocaleString('en')} faults, ${r.syscalls.toLocaleString('en')} system calls, ${r.steps.toLocaleString('en')} steps -> ${rec.out}`);
    if (r.recovered > 0) console.log(`${r.recovered} fault(s) came only through perf's software fault event (perf dropped their tracepoint event) and were replayed from it`);
    if (r.exitCode !== null && r.exitCode !== 0) console.log(`the program exited with status ${r.exitCode} (the recording is still usable)`);
    if (r.execs > 0) console.log(`followed the last of ${r.execs + 1} programs the process ran (exec): the earlier ones (a wrapper, a shell) are not in the scenario`);
    if (r.forks > 0) console.log(`${r.forks} forked child process(es) not followed: each has an address space of its own`);
    const k = (f: 'VmPTE' | 'RssAnon'): string => (kernel ? kb(kernel[f]) : 'not measured');
    const line = (f: 'VmPTE' | 'RssAnon'): string =>
      `${f} at exit: this kernel ${k(f)}; ptlab pt-reclaim ${kb(pr.final[f])}; baseline ${kb(byMech.get('baseline')!.final[f])}; pte-ref ${kb(byMech.get('pte-ref')!.final[f])}`;
    console.log(line('VmPTE'));
    console.log(line('RssAnon'));
    if (!kernel) console.log('no exit measurement: the program did not return from main or call exit() (killed, or _exit)');
  }
  for (const x of rep.results) if (x.error) console.error(`ptlab record: ${x.mechanism}: the replay stopped at line ${x.error.line}: ${x.error.error.message}`);
  for (const f of pr.expectFailures) console.error(`ptlab record: ${rec.out}:${f.message}`);
  if (r.lost > 0) console.error(`ptlab record: perf lost ${r.lost.toLocaleString('en')} events: the replay is incomplete and its figures are not exact`);
  for (const [why, n] of r.inexact) console.error(`ptlab record: may not be exact: ${why}${n > 1 ? ` (${n} times)` : ''}`);
  if (!kernel || r.lost > 0 || r.refused) return 1;
  return exact ? 0 : 1;
}

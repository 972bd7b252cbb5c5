// The ptlab command: run, check, kernel, bench, record, inspect, sweep, curves, compare.
import { MECHANISMS, type MechanismVariant } from '../scenario/index.ts';
import { runFlat, type RunSummary } from '../core/index.ts';
import { compileFile } from './load.ts';
import { formatTable, toJson } from './format.ts';
import { cmdSweep, SWEEP_USAGE } from './sweep.ts';
import { SOAK_USAGE } from './soak.ts';
import { CURVES_USAGE } from './curves.ts';
import { COMPARE_USAGE } from './compare.ts';

const USAGE = `usage:
  ptlab run FILE|- [--mechanism baseline|pte-ref|pt-reclaim|broken|all] [--format table|json] [--steps all|final] [--check]
  ptlab check FILE|-            parse only
  ptlab kernel FILE [--format table|json] [--emit-c OUT.c]
                                run the scenario on the running kernel and the simulator, step by step
  ptlab bench                   the 2021 test at 50 GiB under each mechanism (also: npm run bench)
  ptlab record [--out FILE] [--preload LIB] [--after-ldso] [--keep-trace FILE] [--json] -- CMD [ARGS...]
                                record a real program (root, Linux perf), replay it under the three designs
  ptlab inspect PID|--self [--json]
                                a live process's VmPTE beside the minimum its pages need
${SWEEP_USAGE}
${CURVES_USAGE}
${COMPARE_USAGE}
${SOAK_USAGE}`;

interface Flags {
  positional: string[];
  opts: Map<string, string>;
}

function parseFlags(args: string[]): Flags | string {
  const positional: string[] = [];
  const opts = new Map<string, string>();
  const valued = new Set(['--mechanism', '--format', '--steps', '--emit-c', '--purge', '--arena', '--ratios', '--seed', '--ticks', '--points']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const [k, v] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (valued.has(k)) {
        const val = v ?? args[++i];
        if (val === undefined) return `${k} needs a value`;
        opts.set(k, val);
      } else if (k === '--check' || k === '--help' || k === '--generator') opts.set(k, '1');
      else return `unknown option ${k}`;
    } else positional.push(a);
  }
  return { positional, opts };
}

function pick<T extends string>(flags: Flags, name: string, allowed: readonly T[], dflt: T): T | string {
  const v = flags.opts.get(name) ?? dflt;
  return (allowed as readonly string[]).includes(v) ? (v as T) : `${name} must be one of ${allowed.join(', ')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'inspect') {
    const { cmdInspect } = await import('./inspect.ts');
    return cmdInspect(rest);
  }
  if (cmd === 'soak' || cmd === 'soak-worker') {
    const { cmdSoak, soakWorker } = await import('./soak.ts');
    return cmd === 'soak' ? cmdSoak(rest) : soakWorker();
  }
  if (cmd === 'record') {
    const { cmdRecord } = await import('./record.ts');
    return cmdRecord(rest);
  }
  const flags = parseFlags(rest);
  if (typeof flags === 'string') {
    console.error(`ptlab: ${flags}\n${USAGE}`);
    return 2;
  }
  switch (cmd) {
    case 'run':
      return cmdRun(flags);
    case 'check':
      return cmdCheck(flags);
    case 'kernel': {
      const { cmdKernel } = await import('./kernel.ts');
      return cmdKernel(flags.positional, flags.opts);
    }
    case 'sweep':
      return cmdSweep(flags.opts);
    case 'curves': {
      const { cmdCurves } = await import('./curves.ts');
      return cmdCurves(flags.positional, flags.opts);
    }
    case 'compare': {
      const { cmdCompare } = await import('./compare.ts');
      return cmdCompare(flags.positional, flags.opts);
    }
    case 'bench': {
      const { runBench } = await import('./bench.ts');
      return await runBench();
    }
    default:
      console.error(`ptlab: unknown command '${cmd}'\n${USAGE}`);
      return 2;
  }
}

function cmdCheck(flags: Flags): number {
  const file = flags.positional[0];
  if (!file) {
    console.error(`ptlab check: which file?\n${USAGE}`);
    return 2;
  }
  const c = compileFile(file);
  if (!c.ok) {
    console.error(c.message);
    return 2;
  }
  console.log(`${file}: ok, ${c.result.program.length} statements to run`);
  return 0;
}

function cmdRun(flags: Flags): number {
  const file = flags.positional[0];
  if (!file) {
    console.error(`ptlab run: which file? (- reads standard input)\n${USAGE}`);
    return 2;
  }
  const mech = pick(flags, '--mechanism', [...MECHANISMS, 'broken', 'all'] as const, 'all'); // broken: the race lab's unsafe variant, never in 'all'
  const format = pick(flags, '--format', ['table', 'json'] as const, 'table');
  const steps = pick(flags, '--steps', ['all', 'final'] as const, 'all');
  for (const v of [mech, format, steps]) {
    if (![...MECHANISMS, 'broken', 'all', 'table', 'json', 'final'].includes(v)) {
      console.error(`ptlab run: ${v}`);
      return 2;
    }
  }
  const c = compileFile(file);
  if (!c.ok) {
    console.error(c.message);
    return 2;
  }
  const mechs: MechanismVariant[] = mech === 'all' ? [...MECHANISMS] : [mech as MechanismVariant];
  const results: RunSummary[] = mechs.map((m) => runFlat(c.result.program, { mechanism: m, checkInvariants: flags.opts.has('--check'), keepSteps: steps !== 'final' }, c.result.initialExpects));
  if (format === 'json') {
    process.stdout.write(JSON.stringify({ results: results.map((r) => toJson(r, steps as 'all' | 'final')) }) + '\n');
  } else {
    console.log(results.map((r) => formatTable(r, steps as 'all' | 'final')).join('\n\n'));
  }
  let status = 0;
  for (const r of results) {
    if (r.error) {
      console.error(`${file}:${r.error.line}: ${r.mechanism}: ${r.error.error.message}`);
      status = 1;
    }
    for (const f of r.expectFailures) {
      console.error(`${file}:${f.message}`);
      status = 1;
    }
    for (const v of r.invariantViolations) {
      console.error(`${file}:${v.line}: ${r.mechanism}: invariant violated: ${v.messages.join('; ')}`);
      status = 1;
    }
  }
  return status;
}

// One CPU of a race: its statement, its program of micro-steps (the kernel's
// names) with the next one marked, the ones it already took ticked and the
// one the checker caught in red; what it holds (locks, RCU, interrupts off,
// references) and what it read (the PMD, its table, its new table).
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { RaceCpuView, RaceSnapshot } from '../../core/index.ts';
import { formatAddr } from '../../scenario/index.ts';
import { violationAt } from '../../store/race.ts';

const STATUS_TEXT: Record<RaceCpuView['status'], string> = { ready: 'ready', blocked: 'blocked', finished: 'finished' };

export function RaceLane({ cpu, snap }: { cpu: RaceCpuView; snap: RaceSnapshot }) {
  const list = useRef<HTMLOListElement>(null);
  const taken = useMemo(() => new Set(snap.trace.filter((e) => e.cpu === cpu.id && e.pc >= 0).map((e) => e.pc)), [snap.trace, cpu.id]);
  const bad = violationAt(snap);
  const badPc = bad && bad.cpu === cpu.id ? bad.pc : -1;
  const focus = badPc >= 0 ? badPc : cpu.pc;
  const stopped = snap.status !== 'running' && snap.status !== 'done';

  // Keep the next micro-step (or the caught one) in sight inside the list, without scrolling the page.
  useLayoutEffect(() => {
    const ol = list.current;
    const li = ol?.children[Math.min(focus, ol.children.length - 1)] as HTMLElement | undefined;
    if (!ol || !li) return;
    if (focus >= ol.children.length) {
      ol.scrollTop = ol.scrollHeight; // finished: its last micro-steps
      return;
    }
    if (li.offsetTop < ol.scrollTop || li.offsetTop + li.offsetHeight > ol.scrollTop + ol.clientHeight) ol.scrollTop = Math.max(0, li.offsetTop - ol.clientHeight / 3);
  }, [focus]);

  const v = cpu.view;
  const text = cpu.statement.replace(/^cpu \d:\s*/, '');
  return (
    <section className={`race-cpu race-cpu-${cpu.status}`} aria-label={`CPU ${cpu.id}`} data-status={cpu.status}>
      <h3>
        CPU {cpu.id} <code>{text}</code>{' '}
        {stopped && cpu.status !== 'finished' ? <span className="race-chip race-chip-stopped">stopped</span> : <span className={`race-chip race-chip-${cpu.status}`}>{STATUS_TEXT[cpu.status]}</span>}
      </h3>
      {cpu.blocked && !stopped && (
        <p className="race-blocked" data-testid={`race-blocked-${cpu.id}`}>
          <strong>blocked:</strong> {cpu.blocked}
        </p>
      )}
      <ol className="race-steps" ref={list} aria-label={`CPU ${cpu.id} micro-steps`}>
        {cpu.microSteps.map((name, k) => {
          const cls = k === badPc ? 'race-step-bad' : k === cpu.pc && !stopped ? 'race-step-current' : taken.has(k) ? 'race-step-done' : '';
          return (
            <li key={k} className={cls} aria-current={k === cpu.pc && !stopped ? 'step' : undefined}>
              <span className="race-step-mark" aria-hidden="true">
                {k === badPc ? '✗' : k === cpu.pc && !stopped ? '▶' : taken.has(k) ? '✓' : ''}
              </span>
              {name}
              {k === badPc && snap.violation && (
                <p className="race-step-why" role="alert">
                  micro-step {snap.violation.microStep}: {snap.violation.message}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <div className="race-holds" aria-label={`CPU ${cpu.id} holds`}>
        {cpu.holds.length === 0 && !cpu.irqsOff && <span className="muted">holds nothing</span>}
        {cpu.holds.map((h) => (
          <span key={h} className="race-chip race-chip-hold">
            {h}
          </span>
        ))}
        {cpu.irqsOff && <span className="race-chip race-chip-irq">interrupts off</span>}
        {v.rcuReadLock && <span className="race-chip race-chip-rcu">RCU read side</span>}
      </div>
      <dl className="race-view" aria-label={`What CPU ${cpu.id} read`}>
        <dt>PMD read</dt>
        <dd>{v.pmd ?? '—'}</dd>
        <dt>works on</dt>
        <dd>{v.table !== null ? `table #${v.table}` : '—'}</dd>
        {v.newTable !== null && (
          <>
            <dt>allocated</dt>
            <dd>table #{v.newTable} (not linked yet)</dd>
          </>
        )}
        {v.refs.length > 0 && (
          <>
            <dt>references</dt>
            <dd>{v.refs.map((r) => `#${r}`).join(', ')}</dd>
          </>
        )}
        {v.page !== null && (
          <>
            <dt>page</dt>
            <dd>
              <code>{formatAddr(v.page)}</code>
            </dd>
          </>
        )}
        <dt>mmap_lock</dt>
        <dd>{v.mmapLock ?? '—'}</dd>
      </dl>
      {v.pendingIpi && <p className="race-note">The other CPU's TLB-flush IPI waits for this CPU to enable interrupts.</p>}
      {(cpu.outcome.length > 0 || cpu.error) && (
        <p className="race-outcome">
          <span className="muted">outcome:</span> {[...cpu.outcome, ...(cpu.error ? [cpu.error] : [])].join('; ')}
        </p>
      )}
    </section>
  );
}

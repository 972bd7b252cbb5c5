// Why, in one line: how many PTE tables this step freed or kept, and the first reason in the kernel's terms.
import type { StepResult } from '../../core/index.ts';

export function WhyLine({ step, stale = false }: { step: StepResult | null | undefined; stale?: boolean }) {
  if (!step || stale) return <p className="why-line muted">{stale ? 'computing…' : 'Before the first statement: step forward to run it.'}</p>;
  if (step.error) return <p className="why-line error">{step.error.message}</p>;
  const freed = step.reasons.filter((r) => r.verdict === 'freed').length + (step.moreReasons?.filter((m) => m.verdict === 'freed').reduce((a, m) => a + m.count, 0) ?? 0);
  const kept = step.reasons.filter((r) => r.verdict === 'kept').length + (step.moreReasons?.filter((m) => m.verdict === 'kept').reduce((a, m) => a + m.count, 0) ?? 0);
  if (!freed && !kept) {
    return (
      <p className="why-line">
        <span className="muted">no PTE table freed or kept</span>
        {step.path.length > 0 && <span className="muted"> · {step.path[step.path.length - 1]}</span>}
      </p>
    );
  }
  const first = step.reasons[0];
  return (
    <p className="why-line" aria-label="Why">
      {freed > 0 && <span className="reason-freed">{freed.toLocaleString('en-US')} freed</span>} {kept > 0 && <span className="reason-kept">{kept.toLocaleString('en-US')} kept</span>}
      {first && (
        <span>
          {' '}
          — {first.text.replace(/^(freed|kept):\s*/, '')}
          {first.by ? <span className="muted"> ({first.by})</span> : null}
        </span>
      )}
    </p>
  );
}

// The race lab: shown when the step on screen is a race (`cpu 0:` and
// `cpu 1:` lines). A lane per CPU, the tables and locks between them, and
// buttons that step one CPU by one micro-step, go back one, follow or run
// the scenario's interleaving, or start over; under the lane's design or,
// here only, the unsafe 'broken' one. The checker's catch is marked red.
import { useEffect } from 'react';
import type { CpuId, MechanismName, StepResult } from '../../core/index.ts';
import { cpuBlocked, onPlan, selectRaceSlot, useRaceStore, type RaceLab } from '../../store/race.ts';
import { useStore } from '../../store/store.ts';
import { RaceQuizAnswer } from '../panels/QuizCard.tsx';
import { RaceLane } from './RaceLane.tsx';
import { RaceTables } from './RaceTables.tsx';
import { RaceTrace } from './RaceTrace.tsx';
import './race.css';
import { registerRaceKeys } from './raceKeys.ts';

registerRaceKeys(useRaceStore);

const selectLab = (s: RaceLab) => s;

/** `why` disables the button (its tooltip); `say` also prints it (a CPU's own reason, not the race's end). */
function StepButton({ id, why, say }: { id: CpuId; why: string | null; say: boolean }) {
  return (
    <span className="race-step-btn" title={why ?? `Key ${id}`}>
      <button type="button" disabled={why !== null} aria-keyshortcuts={String(id)} onClick={() => useRaceStore.getState().stepRace(id)}>
        Step CPU {id}
      </button>
      {why !== null && say && <span className="race-why">{why}</span>}
    </span>
  );
}

function Verdict({ lab }: { lab: RaceLab }) {
  const snap = lab.snap!;
  const v = snap.violation;
  if (v) {
    return (
      <div className="race-verdict race-verdict-bad" role="alert" data-testid="race-verdict">
        <strong>The checker caught a {v.kind}</strong> at micro-step {v.microStep} (CPU {v.cpu}: <code>{v.step}</code>), table #{v.tableId}: {v.message}
      </div>
    );
  }
  if (snap.deadlock) {
    return (
      <div className="race-verdict race-verdict-bad" role="alert" data-testid="race-verdict">
        <strong>Deadlock.</strong> {snap.deadlock.replace(/^deadlock:\s*/, '')}
      </div>
    );
  }
  if (snap.status === 'livelock') {
    return (
      <div className="race-verdict race-verdict-bad" role="alert" data-testid="race-verdict">
        <strong>Livelock:</strong> the race did not finish within its budget of micro-steps.
      </div>
    );
  }
  if (snap.status === 'done') {
    return (
      <div className="race-verdict race-verdict-ok" data-testid="race-verdict">
        <strong>Both CPUs finished</strong> after {snap.microStep} micro-steps: the checker caught nothing under {snap.mechanism}.
      </div>
    );
  }
  return lab.message ? <p className="race-message">{lab.message}</p> : null;
}

export function RacePanel({ mechanism, step }: { mechanism: MechanismName; step: StepResult | null }) {
  const source = useStore((s) => s.lanes[mechanism]?.frameSource ?? null);
  const lab = useRaceStore(selectLab);
  const slot = useRaceStore(selectRaceSlot);
  const race = step?.race ? step.index : null;

  useEffect(() => {
    const st = useRaceStore.getState();
    if (race !== null && source !== null) st.openRace(source, race, mechanism);
    else st.closeRace();
  }, [race, source, mechanism]);
  useEffect(() => () => useRaceStore.getState().closeRace(), []);

  if (race === null) return null;
  const snap = lab.snap;
  const act = useRaceStore.getState();
  const following = onPlan(lab);
  const canNext = !!snap && snap.status === 'running' && following && lab.cpus.length < lab.plan.length;
  return (
    <section className="race" aria-label="Race lab">
      <header className="race-head">
        <h2>Two CPUs, micro-step by micro-step</h2>
        <div className="race-design" role="group" aria-label="Race design">
          <span className="muted">runs under</span>
          <button type="button" aria-pressed={lab.choice === 'lane'} onClick={() => act.setRaceChoice('lane')}>
            {mechanism}
          </button>
          <button type="button" aria-pressed={lab.choice === 'broken'} onClick={() => act.setRaceChoice('broken')} title="No protection: frees a table as soon as it looks empty (race panel only)">
            broken
          </button>
        </div>
        {lab.schedule && (
          <span className="race-schedule muted">
            scenario: <code>{lab.schedule}</code>
          </span>
        )}
      </header>
      {lab.error && (
        <p className="race-verdict race-verdict-bad" role="alert">
          The race cannot be set up: {lab.error}
        </p>
      )}
      {snap && (
        <>
          <div className="race-controls" role="group" aria-label="Race stepping">
            <StepButton id={0} why={cpuBlocked(snap, 0)} say={snap.status === 'running'} />
            <StepButton id={1} why={cpuBlocked(snap, 1)} say={snap.status === 'running'} />
            <button type="button" disabled={lab.cpus.length === 0} onClick={() => act.backRace()}>
              Back one micro-step
            </button>
            <button type="button" disabled={!canNext} onClick={() => act.planNext()} title={following ? "The scenario's interleaving, one micro-step" : 'The steps so far left the interleaving: reset first'}>
              Next of the interleaving
            </button>
            <button type="button" onClick={() => act.planRun()} title="From the start, the scenario's whole interleaving">
              Run the interleaving
            </button>
            <button type="button" disabled={lab.cpus.length === 0} onClick={() => act.resetRace()}>
              Reset
            </button>
            <span className="race-count" aria-live="polite">
              micro-step {snap.microStep}
              {lab.plan.length ? ` of ${lab.plan.length} in the interleaving` : ''}
            </span>
          </div>
          <Verdict lab={lab} />
          {step && <RaceQuizAnswer step={step} ended={snap.status !== 'running'} />}
          <div className="race-grid">
            <RaceLane cpu={snap.cpus[0]} snap={snap} />
            <RaceTables snap={snap} />
            {snap.cpus[1] && <RaceLane cpu={snap.cpus[1]} snap={snap} />}
          </div>
          <RaceTrace snap={snap} />
          <p className="race-foot muted">
            The race runs on a copy of the state before this statement. The page-table view below shows the state after the whole statement, as the{' '}
            {mechanism} lane ran it.
          </p>
          {slot !== null && <style>{`.pt-stage g.tbl[data-slot="${slot}"] > rect { stroke: #b42318; stroke-width: 4px; }`}</style>}
        </>
      )}
    </section>
  );
}

// The stepping controls: every shortcut has a button here.
import { useStore } from '../../store/store.ts';
import { primaryOf, shownLane } from '../../store/cursor.ts';
import { selectEvent, selectPlaying, selectPrimaryFrame, selectSpeed, selectStale, selectStep, selectStepCount } from '../../store/selectors.ts';

const SPEEDS = [0.5, 1, 2, 4, 8, 16, 60, 250, 1000, 5000];

const act = () => useStore.getState();

function Btn({ label, text, onClick, disabled, pressed, tip, className }: { label: string; text: string; onClick(): void; disabled?: boolean; pressed?: boolean; tip?: string; className?: string }) {
  return (
    <button type="button" aria-label={label} title={tip ?? label} onClick={onClick} disabled={disabled} aria-pressed={pressed} className={className}>
      {text}
    </button>
  );
}

export function Transport() {
  const step = useStore(selectStep);
  const n = useStore(selectStepCount);
  const playing = useStore(selectPlaying);
  const speed = useStore(selectSpeed);
  const event = useStore(selectEvent);
  const frame = useStore(selectPrimaryFrame);
  const events = frame?.events?.length ?? 0;
  const stale = useStore(selectStale);
  // While stale, the label describes the frame on screen (a previous run's), not the cursor of the run to come.
  const shownIndex = useStore((s) => shownLane(s, primaryOf(s))?.frame?.index ?? null);
  const at = stale && shownIndex !== null ? shownIndex : step;
  const atStart = step < 0 && event === null;
  const atEnd = step >= n - 1 && event === null;
  return (
    <div className="transport" role="toolbar" aria-label="Stepping">
      <Btn label="Go to start" text="|◀" tip="Go to the start (Home)" onClick={() => act().seek(-1)} disabled={atStart} />
      <Btn label="Previous free" text="⇤ free" tip="Back to the previous step that frees a PTE table (Shift+n)" onClick={() => act().jumpMarker('freed', -1)} disabled={n === 0} />
      <Btn label="Previous statement" text="◀ step" tip="One statement back (←)" onClick={() => act().stepBy(-1)} disabled={atStart} />
      <Btn label="Previous kernel event" text="◁ event" tip="One kernel event back, inside a statement (Shift+←)" onClick={() => void act().stepEvent(-1)} disabled={atStart} />
      <Btn
        label={playing ? 'Pause' : 'Play'}
        text={playing ? '❚❚ pause' : '▶▶ play'}
        tip={playing ? 'Pause (Space)' : 'Play: step on by itself at the chosen speed (Space)'}
        className="play-button"
        onClick={() => act().togglePlay()}
        disabled={n === 0}
      />
      <Btn label="Next kernel event" text="event ▷" tip="One kernel event on, inside a statement (Shift+→)" onClick={() => void act().stepEvent(1)} disabled={atEnd} />
      <Btn label="Next statement" text="step ▶" tip="One statement on (→)" onClick={() => act().stepBy(1)} disabled={atEnd} />
      <Btn label="Next free" text="free ⇥" tip="On to the next step that frees a PTE table (n)" onClick={() => act().jumpMarker('freed', 1)} disabled={n === 0} />
      <Btn label="Go to end" text="▶|" tip="Go to the end (End)" onClick={() => act().seek(n - 1)} disabled={atEnd} />
      <label className="speed" title="Play speed">
        <select aria-label="Speed" value={String(speed)} onChange={(e) => act().setSpeed(Number(e.target.value))}>
          {(SPEEDS.includes(speed) ? SPEEDS : [...SPEEDS, speed].sort((a, b) => a - b)).map((v) => (
            <option key={v} value={String(v)}>
              {v} steps/s
            </option>
          ))}
        </select>
      </label>
      <span className="step-label" aria-live="polite" data-testid="step-label" data-stale={stale || undefined}>
        {n === 0 ? 'no steps' : at < 0 ? `start · ${n.toLocaleString('en-US')} steps` : `step ${(at + 1).toLocaleString('en-US')} / ${n.toLocaleString('en-US')}`}
        {event !== null && event >= 0 && events > 0 ? ` · event ${event + 1} / ${events}` : ''}
        {stale && <span className="stale-tag"> · previous run</span>}
      </span>
    </div>
  );
}

/**
 * The time bar under the map: the global time cursor as a slider (1980 → now), a date-time
 * input (Beijing time), step buttons, play/pause with its step (a year down to ten minutes,
 * `tstep=`) and "now". Every control dispatches a transition; the map controller redraws
 * versioned layers and the URL follows (`t=`).
 *
 * The slider commits on its native `change` event (thumb released, or a key pressed), not on
 * every pixel of a drag: each committed time is a new set of tile requests. While dragging, the
 * label shows the time under the thumb.
 */
import { useEffect, useRef, useState } from 'react';
import type { AppState } from '../app-state.ts';
import { setPlaying, setPlayStep, setTime } from '../app-state.ts';
import { translate, type Lang, type MessageKey } from '../i18n.ts';
import { formatDisplay, formatWallTime, parseWallTime, type StepUnit } from '../shanghai-time.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { isPlayStep, stepCursor, TIME_RANGE_START_MS, type PlayStep } from '../time-cursor.ts';

const DAY_MS = 86_400_000;
const STEPS: readonly { readonly unit: StepUnit; readonly key: MessageKey }[] = [
  { unit: 'year', key: 'unitYear' },
  { unit: 'month', key: 'unitMonth' },
  { unit: 'day', key: 'unitDay' },
];

const PLAY_STEP_OPTIONS: readonly { readonly step: PlayStep; readonly key: MessageKey }[] = [
  { step: 'year', key: 'playStepYear' },
  { step: 'month', key: 'playStepMonth' },
  { step: 'day', key: 'playStepDay' },
  { step: 'hour', key: 'playStepHour' },
  { step: '10min', key: 'playStep10min' },
];

/** The present, refreshed every minute so the slider's end keeps up with a page left open. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

export function TimeBar({ store }: { readonly store: Store<AppState> }) {
  const lang = useStore(store, (s) => s.lang);
  const time = useStore(store, (s) => s.time);
  const playing = useStore(store, (s) => s.playing);
  const playStep = useStore(store, (s) => s.playStep);
  const hasVersioned = useStore(store, (s) => s.catalog?.layers.some((l) => l.temporal === 'versioned') ?? false);
  // Edits apply to the current version: the cursor stays at now while one is in progress.
  const editing = useStore(store, (s) => s.edit.mode !== 'idle');
  const nowMs = useNow();
  /** Slider position (days from the range start) while dragging, before it is committed. */
  const [dragDays, setDragDays] = useState<number | null>(null);
  /** Text typed into the date-time input while it is incomplete. */
  const [typed, setTyped] = useState<string | null>(null);
  const sliderRef = useRef<HTMLInputElement>(null);

  // React's onChange is the `input` event (every pixel); the native `change` is the commit.
  useEffect(() => {
    const slider = sliderRef.current;
    if (!slider) return undefined;
    const commit = () => {
      setDragDays(null);
      const days = Number(slider.value);
      const max = Number(slider.max);
      const current = store.getState().time;
      const currentDays = current === null ? max : Math.round((current - TIME_RANGE_START_MS) / DAY_MS);
      // Unmoved (a click on the thumb): keep the exact cursor rather than its day.
      if (days === currentDays) return;
      store.update((s) => setTime(s, days >= max ? null : TIME_RANGE_START_MS + days * DAY_MS, Date.now()));
    };
    slider.addEventListener('change', commit);
    return () => slider.removeEventListener('change', commit);
  }, [store, hasVersioned]);

  if (!hasVersioned) return null;

  const maxDays = Math.floor((nowMs - TIME_RANGE_START_MS) / DAY_MS);
  const cursorDays = time === null ? maxDays : Math.min(maxDays, Math.round((time - TIME_RANGE_START_MS) / DAY_MS));
  const shownDays = dragDays ?? cursorDays;
  const shownTime = dragDays === null ? time : dragDays >= maxDays ? null : TIME_RANGE_START_MS + dragDays * DAY_MS;
  const commitTime = (next: number | null) => store.update((s) => setTime(s, next, Date.now()));
  const step = (unit: StepUnit, count: number) => store.update((s) => setTime(s, stepCursor(s.time, unit, count, Date.now()), Date.now()));
  const label = shownTime === null ? translate(lang, 'timeLive') : formatDisplay(shownTime);
  const inputValue = typed ?? formatWallTime(time ?? nowMs).slice(0, 16);

  return (
    <fieldset className={time === null ? 'time-bar' : 'time-bar time-past'} aria-label={translate(lang, 'timeBar')} disabled={editing} data-testid="time-bar">
      <button
        type="button"
        className="time-play"
        aria-label={translate(lang, playing ? 'pause' : 'play')}
        title={translate(lang, playing ? 'pause' : 'play')}
        aria-pressed={playing}
        data-testid="time-play"
        onClick={() => store.update((s) => setPlaying(s, !s.playing))}
      >
        {playing ? '❚❚' : '▶'}
      </button>
      <select
        className="time-play-step"
        value={playStep}
        aria-label={translate(lang, 'playStep')}
        title={translate(lang, 'playStep')}
        data-testid="time-play-step"
        onChange={(event) => {
          const value = event.currentTarget.value;
          if (isPlayStep(value)) store.update((s) => setPlayStep(s, value));
        }}
      >
        {PLAY_STEP_OPTIONS.map(({ step, key }) => (
          <option key={step} value={step}>
            {translate(lang, key)}
          </option>
        ))}
      </select>
      <div className="time-steps" role="group">
        {STEPS.map(({ unit, key }) => (
          <StepButton key={unit} lang={lang} unit={key} count={-1} testId={`time-step-${unit}-back`} onStep={() => step(unit, -1)} />
        ))}
      </div>
      <input
        ref={sliderRef}
        type="range"
        className="time-slider"
        min={0}
        max={maxDays}
        step={1}
        value={shownDays}
        aria-label={translate(lang, 'timeSlider')}
        aria-valuetext={label}
        data-testid="time-slider"
        onChange={(event) => setDragDays(Number(event.currentTarget.value))}
        onBlur={() => setDragDays(null)}
      />
      <div className="time-steps" role="group">
        {[...STEPS].reverse().map(({ unit, key }) => (
          <StepButton key={unit} lang={lang} unit={key} count={1} testId={`time-step-${unit}-forward`} onStep={() => step(unit, 1)} />
        ))}
      </div>
      <input
        type="datetime-local"
        className="time-input"
        min={formatWallTime(TIME_RANGE_START_MS)}
        max={formatWallTime(nowMs).slice(0, 16)}
        value={inputValue}
        aria-label={translate(lang, 'timeInput')}
        title={translate(lang, 'timeInput')}
        data-testid="time-input"
        onChange={(event) => {
          const text = event.currentTarget.value;
          setTyped(text);
          const parsed = parseWallTime(text);
          if (parsed !== null) commitTime(parsed);
        }}
        onBlur={() => setTyped(null)}
      />
      <button
        type="button"
        className="time-now"
        disabled={time === null}
        title={translate(lang, 'timeNowTitle')}
        data-testid="time-now"
        onClick={() => store.update((s) => setTime(s, null, Date.now()))}
      >
        {translate(lang, 'timeNow')}
      </button>
      <output className="time-label" aria-live="polite" data-testid="time-label">
        {label}
      </output>
    </fieldset>
  );
}

function StepButton(props: { readonly lang: Lang; readonly unit: MessageKey; readonly count: number; readonly testId: string; readonly onStep: () => void }) {
  const unit = translate(props.lang, props.unit);
  // 年/月/日 in Chinese, Y/M/D in English: the buttons stay narrow enough for a phone.
  const short = props.lang === 'en' ? unit.charAt(0).toUpperCase() : unit;
  const text = props.count < 0 ? `‹${short}` : `${short}›`;
  return (
    <button
      type="button"
      className="time-step"
      aria-label={translate(props.lang, props.count < 0 ? 'stepBack' : 'stepForward', { unit })}
      title={translate(props.lang, props.count < 0 ? 'stepBack' : 'stepForward', { unit })}
      data-testid={props.testId}
      onClick={props.onStep}
    >
      {text}
    </button>
  );
}

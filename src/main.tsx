// The web app's entry: start the store with real workers, load the first
// preset, expose the test API and render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './views/App.tsx';
import { configureSim, useStore } from './store/store.ts';
import { DEFAULT_PRESET } from './store/presets.ts';
import { installTestApi } from './store/testApi.ts';
import { spawnSimWorker } from './worker/spawn.ts';
import './views/styles.css';

configureSim(spawnSimWorker);
installTestApi(window as unknown as Record<string, unknown>);
useStore.getState().loadPreset(DEFAULT_PRESET.id);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

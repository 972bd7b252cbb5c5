// The web app's entry: start the store with real workers, open the link in
// the address bar (or the first preset), keep the address bar a link to what
// is on screen, expose the test API and render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './views/App.tsx';
import { configureSim, useStore } from './store/store.ts';
import { DEFAULT_PRESET } from './store/presets.ts';
import { installTestApi } from './store/testApi.ts';
import { openFromHash, startHashSync } from './store/hashSync.ts';
import { ErrorBoundary } from './views/chrome/ErrorBoundary.tsx';
import { spawnSimWorker } from './worker/spawn.ts';
import './views/styles.css';

configureSim(spawnSimWorker);
installTestApi(window as unknown as Record<string, unknown>);
if (!openFromHash(location.hash)) useStore.getState().loadPreset(DEFAULT_PRESET.id);
startHashSync(window);

/** After a crash: the default scenario, and an address bar without the link that led there. */
function reset(): void {
  history.replaceState(null, '', location.pathname + location.search);
  useStore.getState().recover();
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary onReset={reset}>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);

// The preset gallery: every scenarios/*.ptlab file, bundled at build time.
// Each preset opens with two comment lines: its title and a one-line description.

export interface Preset {
  /** File name without extension, e.g. "01-first-touch". */
  id: string;
  title: string;
  description: string;
  /** The scenario text ('' until loaded, for a preset that loads on demand: see loadPresetSource). */
  source: string;
  /** A large preset (a recorded program) loads its text on demand, keeping it out of the first screen's JavaScript. */
  load?: () => Promise<string>;
}

const files = import.meta.glob(['/scenarios/*.ptlab', '!/scenarios/*-recorded-*.ptlab'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const lazyFiles = import.meta.glob('/scenarios/*-recorded-*.ptlab', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;
const lazyHeads = import.meta.glob('/scenarios/*-recorded-*.ptlab', { query: '?head', import: 'default', eager: true }) as Record<string, string>;

export function parsePreset(path: string, source: string): Preset {
  const id = path.replace(/^.*\//, '').replace(/\.ptlab$/, '');
  const comments: string[] = [];
  for (const line of source.split('\n')) {
    const m = /^\s*#\s?(.*)$/.exec(line);
    if (!m) break;
    comments.push(m[1].trim());
  }
  return { id, title: comments[0] || id, description: comments[1] ?? '', source };
}

export const PRESETS: Preset[] = [
  ...Object.entries(files).map(([path, src]) => parsePreset(path, src)),
  ...Object.entries(lazyHeads).map(([path, head]) => ({ ...parsePreset(path, head), source: '', load: lazyFiles[path] })),
].sort((a, b) => a.id.localeCompare(b.id));

/** A preset's text, loading it first if it loads on demand (then kept). */
export async function loadPresetSource(p: Preset): Promise<string> {
  if (!p.source && p.load) p.source = await p.load();
  return p.source;
}

export const DEFAULT_PRESET: Preset = PRESETS[0] ?? {
  id: 'empty',
  title: 'Empty scenario',
  description: 'No presets were bundled.',
  source: '# Empty scenario\n# Write statements below.\nmmap X 4M\ntouch X 0 4K\n',
};

export const presetById = (id: string): Preset | undefined => PRESETS.find((p) => p.id === id);

/** A scenario's title: its first comment line, as in the presets. */
export function titleOf(source: string): string {
  return parsePreset('scenario', source.slice(0, 4000)).title.slice(0, 120) || 'scenario';
}

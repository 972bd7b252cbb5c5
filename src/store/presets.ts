// The preset gallery: every scenarios/*.ptlab file, bundled at build time.
// Each preset opens with two comment lines: its title and a one-line description.
// Among those leading comments, `# open: compare` is preset metadata (a comment, so
// the language, the CLI and the kernel twin ignore it): the preset opens with all
// three designs side by side, as the 50 GiB test does, whose point is the ratio.

export interface Preset {
  /** File name without extension, e.g. "01-first-touch". */
  id: string;
  title: string;
  description: string;
  /** The scenario text ('' until loaded, for a preset that loads on demand: see loadPresetSource). */
  source: string;
  /** A large preset (a recorded program) loads its text on demand, keeping it out of the first screen's JavaScript. */
  load?: () => Promise<string>;
  /** `# open: compare`: the preset opens in compare mode. */
  compare?: boolean;
}

/** A leading comment that is preset metadata, not title or description: `# open: compare`. */
const DIRECTIVE = /^open:\s*(\S+)\s*$/i;

const files = import.meta.glob(['/scenarios/*.ptlab', '!/scenarios/*-recorded-*.ptlab'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const lazyFiles = import.meta.glob('/scenarios/*-recorded-*.ptlab', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;
const lazyHeads = import.meta.glob('/scenarios/*-recorded-*.ptlab', { query: '?head', import: 'default', eager: true }) as Record<string, string>;

export function parsePreset(path: string, source: string): Preset {
  const id = path.replace(/^.*\//, '').replace(/\.ptlab$/, '');
  const comments: string[] = [];
  let compare = false;
  for (const line of source.split('\n')) {
    const m = /^\s*#\s?(.*)$/.exec(line);
    if (!m) break;
    const d = DIRECTIVE.exec(m[1].trim());
    if (d) compare ||= d[1].toLowerCase() === 'compare';
    else comments.push(m[1].trim());
  }
  const p: Preset = { id, title: comments[0] || id, description: comments[1] ?? '', source };
  if (compare) p.compare = true;
  return p;
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

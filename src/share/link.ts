// Links: the whole shareable state in the URL hash, with no server.
//
//   #v1:<base64url(deflate-raw(JSON))>[;present|;embed]
//
// The version prefix is the contract: every released version keeps decoding
// forever (golden links in link.test.ts), and a link from a newer ptlab says
// so instead of silently meaning something else. Decoding never throws: a
// broken link returns a message and whatever scenario text could be
// recovered. Sizes are capped before and after decompression.
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';
import { MECHANISMS, type MechanismName } from '../scenario/ast.ts';

export const LINK_VERSION = 1;
/** The longest hash we accept (browsers and chat tools truncate beyond ~64 KB). */
export const MAX_LINK_CHARS = 64 * 1024;
/** The most bytes a link may inflate to (a compression bomb stops here). */
export const MAX_INFLATED_BYTES = 1024 * 1024;
/** The longest scenario a link may carry. */
export const MAX_SCENARIO_CHARS = 256 * 1024;

export type ViewMode = 'normal' | 'present' | 'embed';

export interface LinkState {
  scenario: string;
  /** One mechanism, or two or three to compare. */
  mechanisms: MechanismName[];
  /** The current step (-1: before the first statement). */
  step: number;
  /** The kernel event inside the step, when stepping event by event. */
  event?: number;
  /** Zoom and pan of the page-table view, and the selected PTE table's slot address. */
  view?: { k: number; x: number; y: number; selected?: number };
  mode?: ViewMode;
  /** Embed: the steps a viewer may move between. */
  range?: [number, number];
  /** The preset's file name when the scenario is an unchanged preset. */
  preset?: string;
}

export type DecodeResult =
  | { ok: true; state: LinkState; version: number }
  | { ok: false; message: string; recovered?: string };

// ---- base64url over bytes ----

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  // A link cut mid-group: drop the dangling character and let inflate decide.
  if (s.length % 4 === 1) s = s.slice(0, -1);
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

// ---- encode ----

/** The hash (without '#') for a state. */
export function encodeLink(state: LinkState): string {
  const o: Record<string, unknown> = { s: state.scenario, m: state.mechanisms, i: state.step };
  if (state.event !== undefined) o.e = state.event;
  if (state.view) o.z = state.view.selected !== undefined ? [state.view.k, state.view.x, state.view.y, state.view.selected] : [state.view.k, state.view.x, state.view.y];
  if (state.range) o.r = state.range;
  if (state.preset !== undefined) o.p = state.preset;
  const data = toBase64Url(deflateSync(strToU8(JSON.stringify(o)), { level: 9 }));
  const mode = state.mode && state.mode !== 'normal' ? `;${state.mode}` : '';
  return `v${LINK_VERSION}:${data}${mode}`;
}

// ---- decode ----

/** Inflate at most MAX_INFLATED_BYTES; on a corrupt stream keep what came out. */
function inflateCapped(bytes: Uint8Array): { text: string; error?: 'corrupt' | 'too-large' } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let error: 'corrupt' | 'too-large' | undefined;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total > MAX_INFLATED_BYTES) {
      error = 'too-large';
      throw new Error('too large');
    }
    chunks.push(chunk);
  });
  try {
    // Small pushes make the inflater hand over output as it goes, so a link
    // cut short still yields its beginning.
    for (let i = 0; i < bytes.length; i += 64) inf.push(bytes.subarray(i, i + 64), false);
    inf.push(new Uint8Array(0), true);
  } catch {
    error ??= 'corrupt';
  }
  const all = new Uint8Array(Math.min(total, MAX_INFLATED_BYTES));
  let off = 0;
  for (const c of chunks) {
    all.set(c.subarray(0, all.length - off), off);
    off += c.length;
    if (off >= all.length) break;
  }
  let text: string;
  try {
    text = strFromU8(all);
  } catch {
    text = '';
    error ??= 'corrupt';
  }
  return error ? { text, error } : { text };
}

/** Pull the scenario text out of a (possibly truncated) JSON payload. */
export function recoverScenario(text: string): string | undefined {
  const at = text.indexOf('"s":"');
  if (at < 0) return undefined;
  let out = '';
  for (let i = at + 5; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') return out;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const n = text[++i];
    if (n === undefined) break;
    if (n === 'n') out += '\n';
    else if (n === 't') out += '\t';
    else if (n === 'r') out += '\r';
    else if (n === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += n;
  }
  return out.length ? out : undefined;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function validate(o: unknown): LinkState | string {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'the link holds no ptlab state';
  const r = o as Record<string, unknown>;
  if (typeof r.s !== 'string') return 'the link has no scenario text';
  if (r.s.length > MAX_SCENARIO_CHARS) return `the scenario in the link is ${r.s.length} characters; the limit is ${MAX_SCENARIO_CHARS}`;
  const m = r.m;
  if (!Array.isArray(m) || m.length < 1 || m.length > 3 || !m.every((x) => (MECHANISMS as readonly unknown[]).includes(x)) || new Set(m).size !== m.length) {
    return 'the link names no valid mechanism (baseline, pte-ref, pt-reclaim)';
  }
  if (!isInt(r.i) || r.i < -1) return 'the link\'s step is not a step number';
  const state: LinkState = { scenario: r.s, mechanisms: m as MechanismName[], step: r.i };
  if (r.e !== undefined) {
    if (!isInt(r.e) || r.e < 0) return 'the link\'s event is not an event number';
    state.event = r.e;
  }
  if (r.z !== undefined) {
    const z = r.z;
    if (!Array.isArray(z) || (z.length !== 3 && z.length !== 4) || !z.every(isNum) || z[0] <= 0) return 'the link\'s view (zoom and pan) is malformed';
    state.view = { k: z[0], x: z[1], y: z[2] };
    if (z.length === 4) state.view.selected = z[3];
  }
  if (r.r !== undefined) {
    const g = r.r;
    if (!Array.isArray(g) || g.length !== 2 || !isInt(g[0]) || !isInt(g[1]) || g[0] < -1 || g[1] < g[0]) return 'the link\'s step range is malformed';
    state.range = [g[0], g[1]];
  }
  if (r.p !== undefined) {
    if (typeof r.p !== 'string' || r.p.length > 200) return 'the link\'s preset name is malformed';
    state.preset = r.p;
  }
  return state;
}

/** Decode a hash ('#' optional). Never throws. */
export function decodeLink(hash: string): DecodeResult {
  try {
    return decodeUnsafe(hash);
  } catch (err) {
    return { ok: false, message: `this link could not be read (${(err as Error).message})` };
  }
}

function decodeUnsafe(hash: string): DecodeResult {
  let h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h.length > MAX_LINK_CHARS) return { ok: false, message: `this link is too long (${h.length} characters; the limit is ${MAX_LINK_CHARS}): it was probably cut or pasted twice` };
  let mode: ViewMode | undefined;
  const semi = h.indexOf(';');
  if (semi >= 0) {
    const flag = h.slice(semi + 1);
    h = h.slice(0, semi);
    if (flag === 'present' || flag === 'embed') mode = flag;
    else return { ok: false, message: `unknown link option ';${flag.slice(0, 20)}' (expected ;present or ;embed)` };
  }
  const m = /^v(\d{1,6}):(.*)$/s.exec(h);
  if (!m) return { ok: false, message: 'this is not a ptlab link (it should start with #v1:)' };
  const version = Number(m[1]);
  if (version > LINK_VERSION) {
    return { ok: false, message: `this link was made by a newer ptlab (link format v${version}); this ptlab reads formats up to v${LINK_VERSION}. Open it in the newer ptlab, or ask for a link to the scenario text.` };
  }
  if (version < 1) return { ok: false, message: `unknown link format v${version}` };
  const bytes = fromBase64Url(m[2]);
  if (!bytes) return { ok: false, message: 'this link is corrupted (characters that cannot be in a ptlab link); was it cut or retyped?' };
  const { text, error } = inflateCapped(bytes);
  if (error === 'too-large') return { ok: false, message: `this link unpacks to more than ${MAX_INFLATED_BYTES / 1024} KiB; ptlab refuses it`, ...rec(text) };
  if (error) return { ok: false, message: 'this link is corrupted or cut short; the scenario below is what could be recovered', ...rec(text) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'this link is corrupted (its contents are not readable)', ...rec(text) };
  }
  const state = validate(parsed);
  if (typeof state === 'string') return { ok: false, message: state, ...rec(text) };
  if (mode) state.mode = mode;
  return { ok: true, state, version };
}

function rec(text: string): { recovered?: string } {
  const s = recoverScenario(text);
  return s ? { recovered: s.slice(0, MAX_SCENARIO_CHARS) } : {};
}

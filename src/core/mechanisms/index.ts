import type { MechanismName, MechanismVariant } from '../../scenario/ast.ts';
import { broken } from './broken.ts';
import { baseline } from './baseline.ts';
import type { Mechanism } from '../mm/mechanism.ts';
import { ptReclaim } from './pt_reclaim.ts';
import { pteRef } from './pte_ref.ts';

export type { Mechanism, ZapSlot, ZapCause } from '../mm/mechanism.ts';

export const mechanisms: Record<MechanismName, Mechanism> = {
  baseline,
  'pte-ref': pteRef,
  'pt-reclaim': ptReclaim,
};

/** Any mechanism a run may use, `broken` included (the race lab's unsafe variant). */
export function mechanismOf(name: MechanismVariant): Mechanism {
  return name === 'broken' ? broken : mechanisms[name];
}

import { moveBackGuard } from '../../../tests/support/guard-settings.js';
import type { Target } from './child.js';

// The demo pipeline's stages the guard benches move deals between (tests/emulators/amocrm seed).
export const PIPELINE = 8001;
/** "Переговоры": where the benches' deals start. */
export const BEFORE = 80012;
/** "Счёт выставлен": the gated stage. */
export const GATED = 80013;
export const TAG = 'Нет в наличии';

/**
 * Switches the stack target's guard on as the guard benches run it: GATED gated, a short deal
 * moved back, tagged TAG and given a task (once the webhook subscription is registered).
 */
export async function enableBenchGuard(target: Pick<Target<unknown>, 'call'>): Promise<void> {
  await target.call('guardEnable', { guard: moveBackGuard({ pipelineId: PIPELINE, statusId: GATED }, TAG) });
}

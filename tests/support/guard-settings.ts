/**
 * The guard as the enforcement tests and benches run it: one stage gated, and a short deal moved
 * back out of it, tagged `tag` and given a task (a settings `guard` section).
 */
export const moveBackGuard = (gated: { pipelineId: number; statusId: number }, tag: string) => ({
  enabled: true,
  gatedStages: [gated],
  action: { type: 'move_back' as const },
  createTask: true,
  tag,
});

// Ctrl-C, and SIGTERM (which batch schedulers such as SLURM and PBS send at a job's time limit),
// become one AbortSignal. The handlers stay installed until dispose(), so a second Ctrl-C during
// shutdown cannot cut a checkpoint save or the project's close short.

export interface StopRequest {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function stopOnSignals(onStop: () => void): StopRequest {
  const controller = new AbortController();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const handler = () => {
    if (controller.signal.aborted) return;
    onStop();
    controller.abort();
  };
  for (const s of signals) process.on(s, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of signals) process.off(s, handler);
    },
  };
}

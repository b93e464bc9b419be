import cron from 'node-cron';

/** A recurring job, as the daemon needs it: started, stopped, and how often it runs. */
export interface ScheduledJob {
  stop(): void;
  /** The longest gap between the next few runs, in ms: readiness allows two of them. */
  intervalMs(): number;
  /** When it runs next (ms since the epoch). */
  nextRunAt(): number | undefined;
}

export type Scheduler = (expression: string, timezone: string | undefined, run: () => void) => ScheduledJob;

/** node-cron: 5 fields, or 6 with seconds first, in the config's time zone. */
export const cronScheduler: Scheduler = (expression, timezone, run) => {
  const task = cron.createTask(expression, () => run(), {
    ...(timezone === undefined ? {} : { timezone }),
    suppressMissedWarning: true,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  });
  void task.start();
  return {
    stop: () => void task.destroy(),
    nextRunAt: () => task.getNextRun()?.getTime(),
    intervalMs: () => {
      const runs = task.getNextRuns(6).map((date) => date.getTime());
      const gaps = runs.slice(1).map((at, i) => at - runs[i]!);
      return Math.max(1_000, ...gaps);
    },
  };
};

/** The longest gap between the next few runs of a schedule, without running it (backtest's clock). */
export function scheduleIntervalMs(expression: string, timezone: string | undefined): number {
  const task = cron.createTask(expression, () => undefined, { ...(timezone === undefined ? {} : { timezone }), logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } });
  try {
    const runs = task.getNextRuns(6).map((date) => date.getTime());
    return Math.max(1_000, ...runs.slice(1).map((at, i) => at - runs[i]!));
  } finally {
    void task.destroy();
  }
}

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The daemon's Prometheus metrics, in a registry of its own. */
export function createMetrics() {
  const registry = new Registry();
  // A coarser event-loop probe: the default samples every 10 ms, which is most of an idle daemon's CPU.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const metrics = {
    registry,
    leader: new Gauge({
      name: 'balance_watch_leader',
      help: '1 while this replica holds the leader lease (fetches, evaluates and sends), 0 while it follows.',
      registers: [registry],
    }),
    storeUp: new Gauge({
      name: 'balance_watch_store_up',
      help: '1 while the state store answers, 0 while it cannot be reached.',
      registers: [registry],
    }),
    balance: new Gauge({
      name: 'balance_watch_balance',
      help: 'Last balance read, in major units of its currency (an approximation for graphs: thresholds are compared exactly).',
      labelNames: ['source', 'account', 'currency'] as const,
      registers: [registry],
    }),
    alertLevel: new Gauge({
      name: 'balance_watch_alert_level',
      help: 'Alert level per rule and account: 0 ok, 1 warning, 2 critical.',
      labelNames: ['rule', 'account'] as const,
      registers: [registry],
    }),
    noData: new Gauge({
      name: 'balance_watch_alert_no_data',
      help: '1 while a "no data" alert is firing for the rule and account.',
      labelNames: ['rule', 'account'] as const,
      registers: [registry],
    }),
    acknowledged: new Gauge({
      name: 'balance_watch_alert_acknowledged',
      help: '1 while someone has acknowledged the firing alert (no repeats until it gets worse or resolves).',
      labelNames: ['rule', 'account'] as const,
      registers: [registry],
    }),
    runway: new Gauge({
      name: 'balance_watch_runway_seconds',
      help: 'Seconds until the recent trend crosses the critical threshold (or zero), for rules with runway_below while the trend is falling.',
      labelNames: ['rule', 'account'] as const,
      registers: [registry],
    }),
    dropRatio: new Gauge({
      name: 'balance_watch_drop_ratio',
      help: 'How far the balance is below its highest value within drop_within, as a share of it (0.35 = 35 %; 0 when it rose), for rules with drop_by.',
      labelNames: ['rule', 'account'] as const,
      registers: [registry],
    }),
    dropFiring: new Gauge({
      name: 'balance_watch_drop_alert',
      help: '1 while a drop alert (drop_by within drop_within) is firing, for rules with drop_by.',
      labelNames: ['rule', 'account'] as const,
      registers: [registry],
    }),
    fetches: new Counter({
      name: 'balance_watch_fetches_total',
      help: 'Source fetches by outcome (ok, or the failure reason).',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    accountErrors: new Counter({
      name: 'balance_watch_account_errors_total',
      help: 'Accounts whose balance could not be read although their source answered.',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'balance_watch_notifications_total',
      help: 'Notification attempts by channel and outcome (delivered, retrying, failed) and reason.',
      labelNames: ['channel', 'outcome', 'reason'] as const,
      registers: [registry],
    }),
    notificationsSilenced: new Counter({
      name: 'balance_watch_notifications_silenced_total',
      help: 'Alert events that a silence kept from being notified.',
      labelNames: ['rule'] as const,
      registers: [registry],
    }),
    notificationsOverdue: new Counter({
      name: 'balance_watch_notifications_overdue_total',
      help: 'Notifications still undelivered an hour after they were queued.',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    cycleDuration: new Histogram({
      name: 'balance_watch_cycle_duration_seconds',
      help: 'Duration of one source cycle: fetch, evaluate, persist, queue.',
      labelNames: ['source'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    cyclesSkipped: new Counter({
      name: 'balance_watch_cycles_skipped_total',
      help: 'Scheduled cycles skipped because the previous cycle of the source was still running.',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    outboxPending: new Gauge({ name: 'balance_watch_outbox_pending', help: 'Notifications waiting to be delivered.', registers: [registry] }),
    channelUp: new Gauge({
      name: 'balance_watch_channel_up',
      help: 'Whether the channel delivered on its latest attempt (1), or failed (0).',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    lastCycle: new Gauge({
      name: 'balance_watch_last_cycle_timestamp_seconds',
      help: 'When the last cycle of the source finished (Unix time).',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    configReloads: new Counter({
      name: 'balance_watch_config_reloads_total',
      help: 'Config reloads by outcome (applied, refused).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The schema, as an append-only list: version N is the N-th entry. A released
 * migration is never edited; a change is a new entry, so any older file opens.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE alerts (
    rule TEXT NOT NULL,
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (rule, account)
  );
  CREATE TABLE observations (
    source TEXT NOT NULL,
    account TEXT NOT NULL,
    at INTEGER NOT NULL,
    units TEXT NOT NULL,
    scale INTEGER NOT NULL,
    currency TEXT
  );
  CREATE INDEX observations_by_account ON observations (source, account, at);
  CREATE INDEX observations_by_time ON observations (at);
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    source TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    last_reason TEXT,
    sent_at INTEGER,
    failed_at INTEGER,
    overdue_logged INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);
  `,
  `
  CREATE TABLE silences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    account TEXT,
    level TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    until INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT
  );
  CREATE TABLE events (
    source TEXT NOT NULL,
    rule TEXT NOT NULL,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    at INTEGER NOT NULL,
    units TEXT,
    scale INTEGER,
    currency TEXT
  );
  CREATE INDEX events_by_time ON events (at);
  CREATE TABLE summaries (
    channel TEXT PRIMARY KEY,
    last_sent_at INTEGER,
    next_due_at INTEGER NOT NULL
  );
  `,
  `
  CREATE TABLE channel_health (
    channel TEXT PRIMARY KEY,
    last_success_at INTEGER,
    last_failure_at INTEGER,
    last_failure TEXT,
    last_reason TEXT,
    last_gave_up_at INTEGER,
    notice_sent_at INTEGER
  );
  CREATE INDEX outbox_by_channel ON outbox (channel, sent_at, failed_at);
  `,
  `
  ALTER TABLE events ADD COLUMN detail TEXT;
  CREATE TABLE alert_requests (
    rule TEXT NOT NULL,
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    by TEXT,
    note TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (rule, account)
  );
  CREATE TABLE leader_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
];

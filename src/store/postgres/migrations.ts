/**
 * The PostgreSQL schema, as an append-only list like the SQLite one: version N
 * is the N-th entry, never edited once released. Times are milliseconds since
 * the epoch in BIGINT, as in SQLite, so both engines hold the same rows; only
 * the lease uses the server's clock, so replicas on hosts whose clocks drift
 * still agree on who leads.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE alerts (
    rule TEXT NOT NULL,
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (rule, account)
  );
  CREATE INDEX alerts_by_source ON alerts (source);
  CREATE TABLE observations (
    source TEXT NOT NULL,
    account TEXT NOT NULL,
    at BIGINT NOT NULL,
    units TEXT NOT NULL,
    scale INTEGER NOT NULL,
    currency TEXT
  );
  CREATE INDEX observations_by_account ON observations (source, account, at);
  CREATE INDEX observations_by_time ON observations (at);
  CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    source TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    last_reason TEXT,
    sent_at BIGINT,
    failed_at BIGINT,
    overdue_logged BOOLEAN NOT NULL DEFAULT false
  );
  CREATE INDEX outbox_owed ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
  CREATE INDEX outbox_by_channel ON outbox (channel, sent_at, failed_at);
  CREATE TABLE silences (
    id BIGSERIAL PRIMARY KEY,
    rule TEXT NOT NULL,
    account TEXT,
    level TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    until BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT
  );
  CREATE TABLE events (
    source TEXT NOT NULL,
    rule TEXT NOT NULL,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    at BIGINT NOT NULL,
    units TEXT,
    scale INTEGER,
    currency TEXT
  );
  CREATE INDEX events_by_time ON events (at);
  CREATE TABLE summaries (
    channel TEXT PRIMARY KEY,
    last_sent_at BIGINT,
    next_due_at BIGINT NOT NULL
  );
  CREATE TABLE channel_health (
    channel TEXT PRIMARY KEY,
    last_success_at BIGINT,
    last_failure_at BIGINT,
    last_failure TEXT,
    last_reason TEXT,
    last_gave_up_at BIGINT,
    notice_sent_at BIGINT
  );
  CREATE TABLE leader_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  );
  `,
  `
  CREATE TABLE state_imports (
    source TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    imported_at BIGINT NOT NULL
  );
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
    at BIGINT NOT NULL,
    PRIMARY KEY (rule, account)
  );
  `,
];

/** The table that records the schema version; its own creation is not a migration. */
export const VERSION_TABLE = 'balance_watch_schema';

/** Any constant: the advisory lock key that serialises migrations of replicas starting together. */
export const MIGRATION_LOCK_KEY = 0x6277_6d69; // "bwmi"

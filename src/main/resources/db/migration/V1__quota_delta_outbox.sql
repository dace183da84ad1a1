-- Owned by billing-snapshot-lambda. Quota deltas are written here in the same transaction
-- as their snapshot, published to SQS after commit, and deleted once SQS accepted them.
-- A row whose lease (available_at) has passed is pending: any invocation may claim and
-- publish it (SELECT ... FOR UPDATE SKIP LOCKED), so a crash between commit and publish
-- loses nothing.
CREATE TABLE IF NOT EXISTS billing_quota_delta_outbox (
  delta_id uuid PRIMARY KEY,
  request_log_id uuid NOT NULL,
  payload text NOT NULL,
  created_at timestamptz NOT NULL,
  available_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS billing_quota_delta_outbox_available_at_idx
  ON billing_quota_delta_outbox (available_at);

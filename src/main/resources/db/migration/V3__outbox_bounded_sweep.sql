-- Owned by billing-snapshot-lambda. Keeps every statement of the outbox sweep reading a bounded
-- number of rows, so that a backlog of any size (a million deltas after a long quota-queue
-- outage) drains under the role's statement_timeout:
--   * a delta set aside (quarantined) gets a lease that never ends, available_at = 'infinity':
--     it leaves the range the sweep claims from (V1's index on available_at) and is counted at
--     that index's end. This brings the rows set aside before V3 in line;
--   * the oldest pending delta is the first entry of an index over the rows not set aside;
--   * a redelivered record's pending delta is claimed at once by its request_log_id: its publish
--     was tried and failed (attempts > 0), and only such rows are indexed, so a new delta's insert
--     does not pay for this index;
--   * the table is vacuumed and analyzed once 1,000 rows changed, not a fifth of it: published
--     deltas are deleted, and their index entries lie in front of the oldest pending one until a
--     vacuum removes them, however large the backlog.
-- Plain CREATE INDEX (not CONCURRENTLY, which cannot run in a transaction): apply it while the
-- outbox is small (the OutboxPending metric), as it is in normal operation.
UPDATE billing_quota_delta_outbox SET available_at = 'infinity'
  WHERE quarantined_at IS NOT NULL AND available_at <> 'infinity';
CREATE INDEX IF NOT EXISTS billing_quota_delta_outbox_oldest_idx
  ON billing_quota_delta_outbox (created_at) WHERE quarantined_at IS NULL;
CREATE INDEX IF NOT EXISTS billing_quota_delta_outbox_tried_idx
  ON billing_quota_delta_outbox (request_log_id) WHERE attempts > 0;
ALTER TABLE billing_quota_delta_outbox SET (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);

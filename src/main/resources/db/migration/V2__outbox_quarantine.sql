-- Owned by billing-snapshot-lambda. A delta that can never be published (its payload cannot be
-- read, or SQS refused it as invalid) is set aside instead of being claimed again by every sweep:
-- quarantined_at is set, and it no longer counts as pending. The function reports how many are
-- set aside (metric OutboxQuarantined); an operator inspects them and either fixes the payload
-- and clears quarantined_at (it is then published under its own deltaId) or deletes the row.
ALTER TABLE billing_quota_delta_outbox ADD COLUMN IF NOT EXISTS quarantined_at timestamptz;
ALTER TABLE billing_quota_delta_outbox ADD COLUMN IF NOT EXISTS quarantine_reason varchar(64);

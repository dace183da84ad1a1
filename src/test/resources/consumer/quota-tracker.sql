-- The reference quota consumer's own tables (docs/design.md, "Applying deltas exactly once").
-- A quota tracker keeps these in its own database, not in the gateway's.

-- Used quota per API key or upstream, exact (numeric: amounts have up to 10 decimals).
CREATE TABLE IF NOT EXISTS quota_usage (
    scope      text    NOT NULL CHECK (scope IN ('api_key', 'upstream')),
    subject_id uuid    NOT NULL,
    currency   text    NOT NULL,
    used       numeric NOT NULL,
    PRIMARY KEY (scope, subject_id, currency)
);

-- Every delta applied, committed in the same transaction as its increments.
CREATE TABLE IF NOT EXISTS applied_quota_deltas (
    delta_id   uuid        PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

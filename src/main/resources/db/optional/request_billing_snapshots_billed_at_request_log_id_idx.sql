-- Optional index on the gateway's snapshot table, for re-rating at production size
-- (docs/operations.md, "The re-rating index"). Not a migration: the service never alters the
-- gateway's tables, and the tests and the local run do not apply it with the migrations.
--
-- With it, every chunk of a re-rate reads about 1,000 index entries; without it, every chunk
-- scans the whole table, and re-rating refuses a table larger than 128 MB.
--
-- Run once by the table's owner (the gateway's migration role), on the cluster's writer endpoint,
-- not through RDS Proxy, with psql in its default autocommit mode: CONCURRENTLY cannot run in a
-- transaction block. It does not block the gateway's or the billing function's writes: it reads
-- the table twice, and waits for the transactions older than each read (on any table) to end.
--   psql "host=<writer endpoint> ... user=<owner>" -v ON_ERROR_STOP=1 \
--        -c "SET statement_timeout = 0; SET lock_timeout = 0" -f <this file>
-- A failed or cancelled build leaves an INVALID index of this name behind: PostgreSQL does not
-- use it, re-rating says so, and running this file again fails with "already exists". Drop it
-- (DROP INDEX CONCURRENTLY request_billing_snapshots_billed_at_request_log_id_idx) and run again.
CREATE INDEX CONCURRENTLY request_billing_snapshots_billed_at_request_log_id_idx
    ON request_billing_snapshots (billed_at, request_log_id);

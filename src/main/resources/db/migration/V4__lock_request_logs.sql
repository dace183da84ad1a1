-- Owned by billing-snapshot-lambda. The reconcile read of every write: the request logs of a set
-- and the API keys, upstreams and users they reference, each locked FOR KEY SHARE in id order,
-- parents before any snapshot row (docs/design.md §8). PostgreSQL lets a role take a row lock
-- only with UPDATE privilege on some column of the table, and UPDATE on the gateway's tables
-- would let the billing role rewrite their keys or multipliers. So the locks are taken here, by
-- a function that runs with the rights of its owner (apply this file as the owner of the
-- gateway's tables, or a role with SELECT and UPDATE on them); the billing role is only granted
-- EXECUTE (docs/operations.md): it can lock these rows for its transaction, never change them.
--
-- search_path is the one this file is applied with (where the gateway's tables are), fixed so
-- that a caller's own search_path can never redirect the owner's rights. Re-running this file
-- replaces the function with the same text.
CREATE OR REPLACE FUNCTION billing_snapshot_lock_request_logs(ids uuid[])
RETURNS TABLE (id uuid, api_key_id uuid, upstream_id uuid, user_id uuid,
               billing_input_multiplier double precision, billing_output_multiplier double precision)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path FROM CURRENT
AS $$
    WITH r AS (SELECT l.id, l.api_key_id, l.upstream_id, l.user_id FROM request_logs l
               WHERE l.id = ANY (ids) ORDER BY l.id FOR KEY SHARE),
         k AS (SELECT a.id FROM api_keys a WHERE a.id IN (SELECT r.api_key_id FROM r) ORDER BY a.id FOR KEY SHARE),
         u AS (SELECT p.id, p.billing_input_multiplier, p.billing_output_multiplier FROM upstreams p
               WHERE p.id IN (SELECT r.upstream_id FROM r) ORDER BY p.id FOR KEY SHARE),
         s AS (SELECT x.id FROM users x WHERE x.id IN (SELECT r.user_id FROM r) ORDER BY x.id FOR KEY SHARE)
    SELECT r.id, k.id, u.id, s.id, u.billing_input_multiplier, u.billing_output_multiplier
    FROM r
    LEFT JOIN k ON k.id = r.api_key_id
    LEFT JOIN u ON u.id = r.upstream_id
    LEFT JOIN s ON s.id = r.user_id
$$;

REVOKE ALL ON FUNCTION billing_snapshot_lock_request_logs(uuid[]) FROM PUBLIC;

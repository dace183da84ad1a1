-- Test and local copy of the gateway-owned tables this service reads and writes
-- (docs/design.md §4). The gateway owns the real schema; constraint names match its migrations.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  name text
);

CREATE TABLE upstreams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text,
  billing_input_multiplier double precision NOT NULL DEFAULT 1,
  billing_output_multiplier double precision NOT NULL DEFAULT 1
);

CREATE TABLE request_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  api_key_id uuid REFERENCES api_keys(id) ON DELETE SET NULL,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  upstream_id uuid REFERENCES upstreams(id) ON DELETE SET NULL,
  model varchar(255),
  duration_ms integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE request_billing_snapshots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_log_id uuid NOT NULL,
  api_key_id uuid,
  user_id uuid,
  upstream_id uuid,
  model varchar(255),
  requested_service_tier varchar(16),
  effective_service_tier varchar(16),
  billing_status varchar(16) NOT NULL,
  unbillable_reason varchar(64),
  price_source varchar(32),
  base_input_price_per_million double precision,
  base_output_price_per_million double precision,
  base_cache_read_input_price_per_million double precision,
  base_cache_write_input_price_per_million double precision,
  matched_rule_type varchar(16),
  matched_rule_display_label varchar(255),
  applied_tier_threshold integer,
  model_max_input_tokens integer,
  model_max_output_tokens integer,
  input_multiplier double precision,
  output_multiplier double precision,
  prompt_tokens integer NOT NULL DEFAULT 0,
  completion_tokens integer NOT NULL DEFAULT 0,
  total_tokens integer NOT NULL DEFAULT 0,
  cache_read_tokens integer NOT NULL DEFAULT 0,
  cache_write_tokens integer NOT NULL DEFAULT 0,
  cache_read_cost double precision,
  cache_write_cost double precision,
  final_cost double precision,
  currency varchar(8) NOT NULL DEFAULT 'USD',
  billed_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT request_billing_snapshots_request_log_id_unique UNIQUE (request_log_id),
  CONSTRAINT request_billing_snapshots_request_log_id_request_logs_id_fk
    FOREIGN KEY (request_log_id) REFERENCES request_logs(id) ON DELETE CASCADE,
  CONSTRAINT request_billing_snapshots_api_key_id_api_keys_id_fk
    FOREIGN KEY (api_key_id) REFERENCES api_keys(id) ON DELETE SET NULL,
  CONSTRAINT request_billing_snapshots_upstream_id_upstreams_id_fk
    FOREIGN KEY (upstream_id) REFERENCES upstreams(id) ON DELETE SET NULL,
  CONSTRAINT request_billing_snapshots_user_id_users_id_fk
    FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX request_billing_snapshots_api_key_id_idx ON request_billing_snapshots(api_key_id);
CREATE INDEX request_billing_snapshots_upstream_id_idx ON request_billing_snapshots(upstream_id);
CREATE INDEX request_billing_snapshots_user_id_idx ON request_billing_snapshots(user_id);

CREATE TABLE billing_model_prices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model varchar(255) NOT NULL,
  input_price_per_million double precision NOT NULL,
  output_price_per_million double precision NOT NULL,
  cache_read_input_price_per_million double precision,
  cache_write_input_price_per_million double precision,
  priority_input_price_per_million double precision,
  priority_output_price_per_million double precision,
  priority_cache_read_input_price_per_million double precision,
  priority_cache_write_input_price_per_million double precision,
  max_input_tokens integer,
  max_output_tokens integer,
  source varchar(32) NOT NULL DEFAULT 'litellm',
  is_active boolean NOT NULL DEFAULT true,
  synced_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT billing_model_prices_model_source_unique UNIQUE (model, source)
);

CREATE TABLE billing_manual_price_overrides (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model varchar(255) NOT NULL UNIQUE,
  input_price_per_million double precision NOT NULL,
  output_price_per_million double precision NOT NULL,
  cache_read_input_price_per_million double precision,
  cache_write_input_price_per_million double precision
);

CREATE TABLE billing_tier_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model varchar(255) NOT NULL,
  source varchar(16) NOT NULL,
  threshold_input_tokens integer NOT NULL,
  display_label varchar(255),
  input_price_per_million double precision NOT NULL,
  output_price_per_million double precision NOT NULL,
  cache_read_input_price_per_million double precision,
  cache_write_input_price_per_million double precision,
  is_active boolean NOT NULL DEFAULT true,
  CONSTRAINT billing_tier_rules_model_source_threshold_unique UNIQUE (model, source, threshold_input_tokens)
);

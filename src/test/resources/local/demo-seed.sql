-- Demo gateway rows for the local run and events/*.json (fixed ids so the events match).
INSERT INTO users (id, name) VALUES
  ('11111111-1111-4111-8111-111111111111', 'demo user');

INSERT INTO api_keys (id, user_id, name) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'demo key'),
  ('aaaaaaaa-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'deleted key');

INSERT INTO upstreams (id, name, billing_input_multiplier, billing_output_multiplier) VALUES
  ('bbbbbbbb-0000-4000-8000-000000000001', 'openai-direct', 1, 1),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'reseller (1.5x in, 1.2x out)', 1.5, 1.2);

INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model) VALUES
  ('cccccccc-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'bbbbbbbb-0000-4000-8000-000000000001', 'gpt-4o'),
  ('cccccccc-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'bbbbbbbb-0000-4000-8000-000000000002', 'claude-sonnet-4'),
  ('cccccccc-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'bbbbbbbb-0000-4000-8000-000000000001', 'gemini-2.5-pro'),
  ('cccccccc-0000-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'bbbbbbbb-0000-4000-8000-000000000001', NULL),
  ('cccccccc-0000-4000-8000-000000000005', 'aaaaaaaa-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'bbbbbbbb-0000-4000-8000-000000000001', 'gpt-4o'),
  ('cccccccc-0000-4000-8000-000000000006', 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'bbbbbbbb-0000-4000-8000-000000000001', 'gpt-4o-mini');

-- The synced catalog (prices per million tokens).
INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million,
    cache_read_input_price_per_million, cache_write_input_price_per_million,
    priority_input_price_per_million, priority_output_price_per_million,
    max_input_tokens, max_output_tokens, source, is_active, synced_at) VALUES
  ('gpt-4o', 2.5, 10, 1.25, NULL, 5, 20, 128000, 16384, 'litellm', true, '2026-11-01T00:00:00Z'),
  ('claude-sonnet-4', 3, 15, 0.3, 3.75, NULL, NULL, 200000, 64000, 'litellm', true, '2026-11-01T00:00:00Z'),
  ('gemini-2.5-pro', 1.25, 10, 0.31, NULL, 2.5, 20, 1048576, 65536, 'litellm', true, '2026-11-01T00:00:00Z'),
  ('gpt-4o-mini', 0.15, 0.6, NULL, NULL, NULL, NULL, 128000, 16384, 'litellm', true, '2026-11-01T00:00:00Z');

-- Long-context tiers: prices above the threshold of input tokens.
INSERT INTO billing_tier_rules (model, source, threshold_input_tokens, display_label,
    input_price_per_million, output_price_per_million, cache_read_input_price_per_million, is_active) VALUES
  ('claude-sonnet-4', 'manual', 200000, '>200k (manual)', 6, 22.5, 0.6, true),
  ('gemini-2.5-pro', 'litellm', 200000, '>200k', 2.5, 15, 0.625, true);

-- An operator's flat price for one model beats the synced catalog.
INSERT INTO billing_manual_price_overrides (model, input_price_per_million, output_price_per_million) VALUES
  ('gpt-4o-mini', 0.1, 0.4);

-- The 'deleted key' is deleted after the gateway logged its request: reconcile sees NULL.
DELETE FROM api_keys WHERE id = 'aaaaaaaa-0000-4000-8000-000000000002';

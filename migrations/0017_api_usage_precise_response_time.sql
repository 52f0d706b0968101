-- api_usage.response_time_ms keeps its name and unit and gains a fraction (microseconds):
-- whole milliseconds showed offline work and other fast calls as 0 ms, and a stage's fleet
-- overhead (its latency minus the provider's time) counted up to a millisecond of each call's
-- time as the fleet's.
ALTER TABLE api_usage ALTER COLUMN response_time_ms TYPE double precision;

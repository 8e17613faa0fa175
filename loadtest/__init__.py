"""`make loadtest`: the load test (locust against `imo serve` on PostgreSQL) and its fault scenario."""

//! Benchmarks of leuko live in `benches/`; their inputs in `resources/` (see PROVENANCE.md).
//! Results are recorded under `bench/runs/<date>-<host>/` at the workspace root.

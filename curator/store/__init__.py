"""The store: models, engine and every query curator makes, cut by table family.

- Table families hold every query of their tables, reads and writes: `runs`, `checks`,
  `link_states`, `catalog` (guides, sections, resources), `reader_reports`,
  `editor_actions`, `rechecks`, `deliveries`, `job_states`, `leases`, `tokens`.
- Read models build what one view shows from the families' queries and never write:
  `problems` (the editors' problems list), `history` (run summaries, a resource's history),
  `publish` (the public lists).
- Where writes live: a statement that writes (an INSERT, an UPDATE, an upsert) is a function of
  its table's family module. A service may create a row (`session.add`) or change a loaded
  row's attributes in the transaction it owns when that is the whole write (an edit, a sync);
  anything more is a family function. No query commits: the caller owns the transaction
  (`async with session.begin():`), so a multi-step action is atomic.
- The store knows rows, not the checker's values: `curator.runs.records` maps facts, outcomes
  and link states to rows and back (an import-linter contract keeps `store` from importing
  `check`).
"""

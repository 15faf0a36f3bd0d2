"""The API's request and response bodies: pydantic models, separate from the ORM rows.

`base` holds the shared types and the error body, `public` what websites and readers
send and receive, `editor` what editors' tools do, `runs` what they read about runs and
the scheduler."""

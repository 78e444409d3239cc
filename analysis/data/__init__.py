"""The shipped tables and the user's own: schemas, loaders, provenance, freshness and catalog imports (imports nothing above it)."""

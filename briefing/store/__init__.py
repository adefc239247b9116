"""Stores: the extraction cache and the call log, SQLite files under the user's cache and data dirs, opened and
migrated by `db` (the runner) from `migrations` (each store's schema)."""

"""Stores: the extraction cache and the call log, SQLite files under the user's cache and data dirs."""

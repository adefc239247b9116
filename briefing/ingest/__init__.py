"""Ingest: files, stdin, HTML pages, URLs, folders and JSONL records turned into articles."""

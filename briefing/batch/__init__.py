"""Many articles: a bounded pool with a manifest and resume, and offline Batch-API requests and results."""

"""Output: the formats a briefing is written in (one table), their templates, PDF printing, PLOVER rows, and
atomic writes."""

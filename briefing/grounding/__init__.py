"""Grounding: every claim of a model's answer checked against the article's own words, with exact spans."""

"""Evaluation: brief a corpus with gold 5W1H answers and report grounding, quotes, names, coverage, length, cost."""

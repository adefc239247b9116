"""Text: an article as sentences with character offsets, dates read from text, and the word lists used as NLP."""

"""Model: the backends (one table of capabilities), the structured call through instructor, the prompts, and the
embedded local model with its llama.cpp server."""

"""llama-cpp-python's OpenAI-compatible server, with grammar checked lazily when decoding is greedy, and answers
that do not depend on what the server answered before.

``python -m briefing.llama_server ARGS`` takes the arguments of ``python -m llama_cpp.server`` and runs it with one
change: a greedy request that carries a grammar (our schema, sent as ``response_format``) is sampled the way
llama.cpp's own ``common_sampler`` does it. llama-cpp-python applies the grammar to every one of the vocabulary's
~152,000 candidates at every step (about 50 ms a token for the 1.5B model on two cores, a third of the decode
time). Here the unconstrained best token is picked first and only that token is checked against the grammar; the
full vocabulary is filtered only when it is rejected. For greedy decoding the result is the same token: if the
unconstrained argmax is allowed by the grammar, it is also the argmax of the constrained candidates.
Sampling with a temperature, or with logits processors, keeps llama-cpp-python's own sampler.

Reproducibility: llama-cpp-python keeps the previous request's tokens and reuses the longest common prefix, then
evaluates the rest in chunks of ``n_batch`` counted from where the reuse ends. Chunked differently, the same
tokens give slightly different floats, so an article's greedy answer depended on which article came before it (a
batch's answer differed from a single run's). :func:`align_prefix_reuse` keeps only whole ``n_batch`` chunks of
the prefix, so the rest is evaluated in the same chunks as on a fresh server: the same answer either way, at the
cost of re-evaluating under ``n_batch`` tokens of the shared prompt.

Prefix reuse: the system turn (instructions and field guide, the same for every article) is about 480 tokens, under
one ``n_batch`` chunk, so whole-chunk reuse alone would keep nothing. A prompt is therefore always evaluated as its
first chat turn, then the rest in ``n_batch`` chunks from the end of that turn (:func:`turn_boundary`,
:func:`reusable`): the system turn can be reused whole, in a batch and — with ``--prefix_cache DIR`` — across runs,
its KV state saved once to ``DIR`` and loaded by the next server (:func:`prime_prefix`). Evaluation is chunked the
same way with or without the reuse, so the answer is the same.

This module imports llama_cpp at import time; only the server subprocess imports it.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from typing import Any

import numpy as np
from llama_cpp import Llama
from llama_cpp import _internals as internals
from llama_cpp import llama_cpp as C

_TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])
assert _TOKEN_DATA.itemsize == ctypes.sizeof(C.llama_token_data)


class GreedyGrammarSampler:
    """Repeat penalties, then greedy choice, with the grammar applied to the chosen token first."""

    def __init__(self, llama: Llama, grammar: Any, *, repeat_penalty: float, frequency_penalty: float,
                 presence_penalty: float) -> None:
        self.penalties = internals.LlamaSampler()
        self.penalties.add_penalties(n_vocab=llama._n_vocab, penalty_last_n=llama.last_n_tokens_size,
                                     penalty_repeat=repeat_penalty, penalty_freq=frequency_penalty,
                                     penalty_present=presence_penalty)
        self.grammar = internals.LlamaSampler()
        self.grammar.add_grammar(llama._model, grammar)
        self.n_vocab = llama._n_vocab
        self.ids = np.arange(self.n_vocab, dtype=np.int32)
        self.data = np.zeros(self.n_vocab, dtype=_TOKEN_DATA)
        self.all = C.llama_token_data_array(
            data=self.data.ctypes.data_as(C.llama_token_data_p), size=self.n_vocab, selected=-1, sorted=False)
        self.one_data = np.zeros(1, dtype=_TOKEN_DATA)
        self.one = C.llama_token_data_array(
            data=self.one_data.ctypes.data_as(C.llama_token_data_p), size=1, selected=-1, sorted=False)

    def _reset(self, array: Any, data: np.ndarray) -> None:
        array.data = data.ctypes.data_as(C.llama_token_data_p)
        array.size = len(data)
        array.selected = -1
        array.sorted = False

    def _best(self) -> int:
        view = np.ctypeslib.as_array(self.all.data, shape=(self.all.size,)).view(_TOKEN_DATA)
        return int(view["id"][int(np.argmax(view["logit"]))])

    def _allowed(self, token: int) -> bool:
        self._reset(self.one, self.one_data)
        self.one_data["id"][0] = token
        self.one_data["logit"][0] = 0.0
        C.llama_sampler_apply(self.grammar.sampler, ctypes.byref(self.one))
        return bool(np.isfinite(self.one_data["logit"][0]))

    def sample(self, ctx: Any, idx: int = -1) -> int:
        logits = np.ctypeslib.as_array(C.llama_get_logits_ith(ctx.ctx, idx), shape=(self.n_vocab,))
        self._reset(self.all, self.data)
        self.data["id"] = self.ids
        self.data["logit"] = logits
        self.data["p"] = 0.0
        C.llama_sampler_apply(self.penalties.sampler, ctypes.byref(self.all))
        token = self._best()
        if not self._allowed(token):
            C.llama_sampler_apply(self.grammar.sampler, ctypes.byref(self.all))
            token = self._best()
        C.llama_sampler_accept(self.penalties.sampler, token)
        C.llama_sampler_accept(self.grammar.sampler, token)
        return token


#: llama-cpp-python 0.3's JSON-schema grammar lets a string hold raw control characters (its ``char`` rule is
#: ``[^"\\]``), so a model could put a bare newline inside a JSON string and the answer failed to parse (seen with
#: the 1.5B model). llama.cpp's own converter excludes them; so does this rule.
JSON_CHAR_RULE = r'[^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F])'


def reusable(common: int, boundary: int, n_batch: int) -> int:
    """The longest prefix of ``common`` shared tokens that ends where a fresh evaluation ends a chunk: a fresh
    evaluation runs ``[0:boundary]`` in ``n_batch`` chunks, then the rest in ``n_batch`` chunks from ``boundary``
    (``boundary`` 0: plain ``n_batch`` chunks)."""
    if boundary and common >= boundary:
        return boundary + (common - boundary) // n_batch * n_batch
    return common - common % n_batch


def align_prefix_reuse(llama: Any, tokens: Any, boundary: int = 0) -> int:
    """Cut the state kept from the previous request back to the last chunk boundary (:func:`reusable`) of the
    prefix it shares with ``tokens``, so evaluation resumes where a fresh evaluation starts a chunk. Returns the
    number of tokens kept for reuse."""
    kept = llama.n_tokens
    if kept <= 0:
        return 0
    common = 0
    for a, b in zip(llama.input_ids[:kept], tokens):
        if a != b:
            break
        common += 1
    aligned = reusable(common, boundary, llama.n_batch)
    if aligned < kept:
        llama.n_tokens = aligned
    return min(aligned, kept)


#: The token that opens a chat turn in the ChatML template of the Qwen models (other templates: no boundary).
TURN_MARKER = b"<|im_start|>"


def turn_boundary(llama: Any, tokens: Any) -> int:
    """Where the prompt's first chat turn (the system message) ends: the position of the second turn marker, or 0
    when the prompt has no such turn (a template without the marker, or a bare completion)."""
    marker = getattr(llama, "_briefing_turn_marker", None)
    if marker is None:
        ids = llama.tokenize(TURN_MARKER, add_bos=False, special=True)
        marker = llama._briefing_turn_marker = ids[0] if len(ids) == 1 else -1
    seen = 0
    for i, t in enumerate(tokens):
        if t == marker:
            seen += 1
            if seen == 2:
                return i
    return 0


def _state_path(llama: Any, folder: str | None, prefix: list[int]) -> Path | None:
    """The file for the KV state of ``prefix`` under this model and these evaluation settings."""
    if not folder:
        return None
    import hashlib
    import llama_cpp

    model = Path(llama.model_path)
    p = llama.context_params
    h = hashlib.sha256(repr((llama_cpp.__version__, str(model.resolve()), model.stat().st_size,
                             model.stat().st_mtime_ns, llama.n_batch, p.flash_attn_type, p.type_k, p.type_v,
                             llama._n_vocab)).encode())
    h.update(np.asarray(prefix, dtype=np.int32).tobytes())
    return Path(folder) / f"prefix-{h.hexdigest()[:32]}.kv"


def _load_state(llama: Any, path: Path, prefix: list[int]) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    llama._ctx.kv_cache_seq_rm(-1, 0, -1)
    if not C.llama_state_seq_set_data(llama._ctx.ctx, buf, len(data), 0):
        llama._ctx.kv_cache_seq_rm(-1, 0, -1)
        return False
    llama.input_ids[:len(prefix)] = prefix
    llama.n_tokens = len(prefix)
    return True


def _save_state(llama: Any, path: Path) -> None:
    import os
    import tempfile

    size = C.llama_state_seq_get_size(llama._ctx.ctx, 0)
    buf = (ctypes.c_uint8 * size)()
    written = C.llama_state_seq_get_data(llama._ctx.ctx, buf, size, 0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".prefix-")
        with os.fdopen(fd, "wb") as f:
            f.write(bytes(buf)[:written])
        os.replace(tmp, path)
    except OSError:  # a cache that cannot be written costs the next run the prefill, nothing else
        pass


def prime_prefix(llama: Any, prefix: list[int], folder: str | None) -> str:
    """Put the KV state of ``prefix`` (a prompt's first turn) into the context, from ``folder`` when a previous
    run saved it, else by evaluating it (in ``n_batch`` chunks from what is kept) and saving it there. Returns
    ``"kept"``, ``"loaded"`` or ``"evaluated"``."""
    if llama.n_tokens >= len(prefix):
        return "kept"
    path = _state_path(llama, folder, prefix)
    if path is not None and llama.n_tokens == 0 and path.is_file() and _load_state(llama, path, prefix):
        return "loaded"
    llama.eval(prefix[llama.n_tokens:])
    if path is not None and not path.is_file():
        _save_state(llama, path)
    return "evaluated"


def install() -> None:
    """Make greedy, grammar-constrained requests use :class:`GreedyGrammarSampler`, JSON strings exclude raw
    control characters, and prompt-prefix reuse keep to whole batches (idempotent)."""
    from llama_cpp import llama_grammar

    llama_grammar.PRIMITIVE_RULES["char"] = llama_grammar.BuiltinRule(JSON_CHAR_RULE, [])
    original = Llama._init_sampler
    if getattr(original, "_briefing_lazy_grammar", False):
        return
    original_generate = Llama.generate

    def generate(self: Llama, tokens: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("reset", True):
            tokens = list(tokens)
            boundary = turn_boundary(self, tokens)
            align_prefix_reuse(self, tokens, boundary)
            if boundary:
                prime_prefix(self, tokens[:boundary], PREFIX_CACHE[0])
        return original_generate(self, tokens, *args, **kwargs)

    def _init_sampler(self: Llama, *args: Any, **kwargs: Any) -> Any:
        grammar = kwargs.get("grammar")
        if (grammar is None or args or kwargs.get("temp", 0.8) != 0.0 or kwargs.get("logits_processor")
                or kwargs.get("mirostat_mode", 0)):
            return original(self, *args, **kwargs)
        return GreedyGrammarSampler(self, grammar, repeat_penalty=kwargs.get("repeat_penalty", 1.0),
                                    frequency_penalty=kwargs.get("frequency_penalty", 0.0),
                                    presence_penalty=kwargs.get("presence_penalty", 0.0))

    _init_sampler._briefing_lazy_grammar = True  # type: ignore[attr-defined]
    Llama._init_sampler = _init_sampler  # type: ignore[method-assign]
    Llama.generate = generate  # type: ignore[method-assign]


#: The folder of saved first-turn states (``--prefix_cache DIR``; None: reuse within the server's life only).
PREFIX_CACHE: list[str | None] = [None]


def main(argv: list[str] | None = None) -> None:
    install()
    from llama_cpp.server.__main__ import main as server_main

    args = list(sys.argv[1:] if argv is None else argv)
    if "--prefix_cache" in args:
        i = args.index("--prefix_cache")
        PREFIX_CACHE[0] = args[i + 1]
        del args[i:i + 2]
    sys.argv = [sys.argv[0], *args]
    server_main()


if __name__ == "__main__":
    main()

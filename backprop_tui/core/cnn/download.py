"""`data download`: fetch the four files from the official mirrors, verified, resumable.

Each file is streamed into `NAME.gz.part` next to its destination; an interrupted download is
resumed with an HTTP Range request, a failed attempt retried, then the next mirror tried.
Only a file whose MD5 matches the published one is renamed (atomically) to `NAME.gz`: a mirror
that redirects to something else fails the checksum instead of leaving a bad file behind.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from backprop_tui.core.cnn.data import FILES, MIRRORS
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import Message, _, ngettext

CHUNK = 1 << 16


class DownloadError(Exception):
    """One attempt at one URL failed; the message (an i18n Message) says how."""

    def __init__(self, message: Message, unreachable: bool = False):
        super().__init__(message)
        self.message = message
        self.unreachable = unreachable

    def __str__(self) -> str:
        return self.message.translated()


class DownloadFailed(UserError):
    """Some files could not be fetched from any mirror; `problems` says what happened where."""

    def __init__(self, dest: Path, problems: list[str]):
        self.problems = problems
        # `problems` were made in the interface language of the moment, one line each
        super().__init__(Message("could not download Fashion-MNIST into {folder}:\n{problems}\nPartial downloads are "
                                 "kept as .part files and resumed next time.", folder=dest,
                                 problems="\n".join(f"  {problem}" for problem in problems)))


def file_md5(path: Path) -> str:
    """The MD5 of a file's bytes as hex, read 1 MiB at a time (the mirrors publish MD5s)."""
    digest = hashlib.md5()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_all(
    dest: Path,
    mirrors: Sequence[str] = MIRRORS,
    retries: int = 3,
    log: Callable[[str], None] = print,
    timeout: float = 30.0,
    backoff: float = 1.0,
) -> None:
    """Download every missing or damaged file into `dest`; raises UserError if one cannot be had."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(Message("cannot create {folder}: {reason}", folder=dest, reason=error.strerror)) from None
    failures: list[str] = []
    dead: set[str] = set()
    not_tried: list[str] = []
    for name, (gz_md5, _content_md5) in FILES.items():
        target = dest / f"{name}.gz"
        if target.is_file() and file_md5(target) == gz_md5:
            log(_("{file}: already present, checksum OK").format(file=target))
            continue
        if dead.issuperset(mirrors):
            not_tried.append(f"{name}.gz")
            continue
        problems = fetch_file(name, gz_md5, dest, mirrors, retries, log, timeout, backoff, dead)
        failures += [f"{name}.gz: {problem}" for problem in problems]
    if not_tried:
        failures.append(_("not tried, as no mirror could be reached: {files}").format(files=", ".join(not_tried)))
    if failures:
        raise DownloadFailed(dest, failures)


def fetch_file(
    name: str, gz_md5: str, dest: Path, mirrors: Sequence[str], retries: int,
    log: Callable[[str], None], timeout: float, backoff: float, dead: set[str] | None = None,
) -> list[str]:
    """Try every mirror up to `retries` times; returns the problems met ([] on success).

    A mirror that could not be reached at all goes into `dead` and is not tried for the
    remaining files, so an offline machine fails in seconds, not minutes.
    """
    dead = set() if dead is None else dead
    target = dest / f"{name}.gz"
    part = dest / f"{name}.gz.part"
    problems: list[str] = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + f"/{name}.gz"
        if mirror in dead:
            problems.append(_("{url}: skipped, the mirror could not be reached for an earlier file").format(url=url))
            continue
        last: DownloadError | None = None
        for attempt in range(1, retries + 1):
            try:
                resumed = _stream(url, part, timeout)
            except DownloadError as error:
                last = error
                log(_("{url}: {problem}; retrying").format(url=url, problem=error) if attempt < retries
                    else f"{url}: {error}")
                if attempt < retries and backoff:
                    time.sleep(backoff * 2 ** (attempt - 1))
                continue
            last = None
            digest = file_md5(part)
            if digest != gz_md5:
                part.unlink(missing_ok=True)
                problems.append(_("{url}: checksum mismatch (MD5 {found}, expected {expected})").format(
                    url=url, found=digest, expected=gz_md5))
                log(_("{url}: checksum mismatch, trying the next mirror").format(url=url))
                break
            part.replace(target)
            log((_("{file}: downloaded (resumed), checksum OK") if resumed
                 else _("{file}: downloaded, checksum OK")).format(file=target))
            return []
        if last is not None:
            problems.append(ngettext("{url}: {problem} ({count} attempt)", "{url}: {problem} ({count} attempts)",
                                     retries).format(url=url, problem=last, count=retries))
            if last.unreachable:
                dead.add(mirror)
    return problems


def _stream(url: str, part: Path, timeout: float) -> bool:
    """Fetch `url` into `part`, continuing from its current size; True if it resumed."""
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "backprop-tui"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:
            return True  # the part file is already complete; the checksum decides
        raise DownloadError(Message("HTTP {code} {reason}", code=error.code, reason=error.reason)) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(Message("cannot connect ({reason})", reason=reason), unreachable=True) from None
    with response:
        resumed = have > 0 and response.status == 206 and _range_start(response) == have
        mode = "ab" if resumed else "wb"
        expected = response.headers.get("Content-Length")
        got = 0
        try:
            with part.open(mode) as file:
                for block in iter(lambda: response.read(CHUNK), b""):
                    file.write(block)
                    got += len(block)
        except (OSError, http.client.HTTPException) as error:
            raise DownloadError(Message("connection broke after {got} bytes ({error})", got=got, error=error)) from None
    if expected is not None and expected.isdigit() and got < int(expected):
        raise DownloadError(Message("connection closed after {got} of {expected} bytes", got=got, expected=expected))
    return resumed


def _range_start(response: http.client.HTTPResponse) -> int | None:
    match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    return int(match.group(1)) if match else None

"""Find Fashion-MNIST on this machine and load it, checked, as uint8 arrays.

Search order (first folder holding all four files wins):

1. ``--data-dir D``
2. ``$FASHION_MNIST_DIR``
3. the tool's cache, ``$XDG_CACHE_HOME/backprop-tui/fashion-mnist`` (``~/.cache/...``),
   where ``backprop-tui data download`` puts the files
4. torchvision's layout ``<root>/FashionMNIST/raw`` for root in ``--data-dir``, ``./data``,
   ``~/.torch``
5. Keras' cache ``~/.keras/datasets/fashion-mnist``
6. Debian's package ``dataset-fashion-mnist``: ``/usr/share/datasets/fashion-mnist``

A folder named explicitly -- ``--data-dir``, or else ``$FASHION_MNIST_DIR`` -- is the only one
used by train, evaluate and predict: if it lacks a file, that is an error naming the folder and
the file, never a silent fall-back to another copy. ``backprop-tui data`` lists every place.

Files may be gzip-compressed or plain. Found files are verified by the MD5 of their
*decompressed* contents, because Debian re-compressed its copies.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from backprop_tui.core.cnn import decoded
from backprop_tui.core.cnn.idx import IdxError, decompressed, parse_idx, read_bytes, read_raw  # noqa: F401
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import Message, _

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
"""The data set's own class names, shown as they are in every language (as predict, the report
and the JSON outputs show them)."""

# name -> (MD5 of the .gz as the mirrors serve it, MD5 of the decompressed file)
FILES: dict[str, tuple[str, str]] = {
    "train-images-idx3-ubyte": ("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
    "train-labels-idx1-ubyte": ("25c81989df183df01b3e8a0aad5dffbe", "9018921c3c673c538a1fc5bad174d6f9"),
    "t10k-images-idx3-ubyte": ("bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a"),
    "t10k-labels-idx1-ubyte": ("bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965"),
}

MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
)

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")


class ChecksumMismatch(IdxError):
    """A file whose decompressed contents are not Fashion-MNIST's (by the published MD5)."""


@dataclass(frozen=True)
class Place:
    """One folder searched for the data, and why it is on the list."""

    label: str
    path: Path


@dataclass(frozen=True)
class DataRecord:
    """Which data a run trained on, as a checkpoint stores it: the folder, and the MD5 of each
    of the four files' decompressed contents (so a .gz and a plain copy of the same data match)."""

    folder: str
    checksums: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: {"folder": str, "md5": {file name: hex digest}}."""
        return {"folder": self.folder, "md5": dict(self.checksums)}

    @classmethod
    def from_dict(cls, data: Any) -> "DataRecord":
        """Read back `to_dict`'s form; ValueError saying what does not fit."""
        if not isinstance(data, dict) or set(data) != {"folder", "md5"}:
            raise ValueError(Message('expected a JSON object with "folder" and "md5"'))
        folder, md5 = data["folder"], data["md5"]
        if not isinstance(folder, str):
            raise ValueError(Message('"folder" should be a string'))
        if not isinstance(md5, dict) or set(md5) != set(FILES):
            raise ValueError(Message('"md5" should give the checksum of each of {files}', files=", ".join(FILES)))
        for name, digest in md5.items():
            if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{32}", digest):
                raise ValueError(Message('"md5"."{name}" should be 32 hexadecimal digits', name=name))
        return cls(folder, dict(md5))

    def differing(self, other: "DataRecord") -> list[str]:
        """The files whose contents differ between the two records, in FILES order."""
        return [name for name in FILES if self.checksums.get(name) != other.checksums.get(name)]


@dataclass(frozen=True)
class Dataset:
    """The four arrays: images uint8 (N, 28, 28), labels uint8 (N,), where they came from, and
    the MD5 of each file's decompressed contents (keyed by the names in FILES)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: Path
    checksums: dict[str, str] = field(default_factory=dict)

    def record(self) -> DataRecord:
        """What a checkpoint stores about this data."""
        return DataRecord(str(self.source.resolve()), dict(self.checksums))


def cache_dir(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """Where `data download` stores the files."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else home / ".cache"
    return base / "backprop-tui" / "fashion-mnist"


def search_places(
    data_dir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    cwd: Path | None = None,
    system_dir: Path | None = None,
) -> list[Place]:
    """Every folder searched, in order (see the module docstring)."""
    system_dir = DEBIAN_DIR if system_dir is None else system_dir
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    cwd = Path.cwd() if cwd is None else cwd
    places = []
    if data_dir:
        places.append(_named_place("--data-dir", Path(data_dir)))
    if env.get("FASHION_MNIST_DIR"):
        places.append(_named_place("$FASHION_MNIST_DIR", Path(env["FASHION_MNIST_DIR"])))
    places.append(Place(_("backprop-tui cache"), cache_dir(env, home)))
    roots = ([Path(data_dir)] if data_dir else []) + [cwd / "data", home / ".torch"]
    for root in roots:
        places.append(Place(_("torchvision layout"), root / "FashionMNIST" / "raw"))
    places.append(Place(_("Keras cache"), home / ".keras" / "datasets" / "fashion-mnist"))
    places.append(Place(_("Debian package dataset-fashion-mnist"), system_dir))
    unique: dict[Path, Place] = {}
    for place in places:  # a named torchvision root is listed once, as the folder it resolves to
        unique.setdefault(place.path, place)
    return list(unique.values())


def _holds_none(folder: Path) -> bool:
    return all(file_in(folder, name) is None for name in FILES)


def _named_place(label: str, path: Path) -> Place:
    """A folder the user named, or the torchvision layout FashionMNIST/raw inside it when the
    folder holds no file itself: the folder train reads (see `given_folder`)."""
    raw = path / "FashionMNIST" / "raw"
    if path.is_dir() and _holds_none(path) and raw.is_dir():
        return Place(_("{label}, torchvision layout").format(label=label), raw)
    return Place(label, path)


def file_in(folder: Path, name: str) -> Path | None:
    """`name.gz` or plain `name` inside `folder`, whichever exists (gz first)."""
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def describe(place: Place) -> str:
    """What a search place holds, for listings: complete, partial or nothing (in the interface
    language of the moment)."""
    if not place.path.is_dir():
        return _("no such folder")
    missing = [name for name in FILES if file_in(place.path, name) is None]
    if not missing:
        return _("all four files")
    if len(missing) == len(FILES):
        return _("no Fashion-MNIST files")
    return _("incomplete, missing {files}").format(files=", ".join(missing))


def _problems(folder: Path) -> tuple[list[str], list[str]]:
    """The files `folder` lacks, and the entries named like one that are not files (directories)."""
    missing, odd = [], []
    for name in FILES:
        if file_in(folder, name) is not None:
            continue
        strange = [c.name for c in (folder / f"{name}.gz", folder / name) if c.exists() or c.is_symlink()]
        (odd if strange else missing).append(strange[0] if strange else name)
    return missing, odd


def given_folder(path: Path, label: str) -> Path:
    """The folder the user named (`label` is "--data-dir" or "$FASHION_MNIST_DIR"): it, or the
    torchvision layout FashionMNIST/raw inside it, must hold all four files."""
    if not path.is_dir():
        files = ", ".join(FILES)
        if path.exists():
            raise UserError(Message("{label} {path}: is not a folder; it must hold the four Fashion-MNIST files "
                                    "{files} (each .gz or plain)", label=label, path=path, files=files))
        raise UserError(Message("{label} {path}: no such folder; it must hold the four Fashion-MNIST files "
                                "{files} (each .gz or plain)", label=label, path=path, files=files))
    missing, odd = _problems(path)
    raw = path / "FashionMNIST" / "raw"
    if len(missing) == len(FILES) and raw.is_dir():
        path = raw
        missing, odd = _problems(raw)
    parts = []
    if missing:
        parts.append(Message("missing {files} (each .gz or plain)", files=", ".join(missing)))
    parts += [Message("{name} is not a regular file", name=name) for name in odd]
    if parts:
        if len(missing) == len(FILES) and (path / "raw").is_dir() and not _holds_none(path / "raw"):
            # torchvision's <root>/FashionMNIST: the files are one level down
            named = "--data-dir" if label == "--data-dir" else "FASHION_MNIST_DIR"
            raise UserError(Message("{label} {path}: {problems}. They are in {raw}: name that folder "
                                    "({named} {raw}), or the torchvision root {root}", label=label, path=path,
                                    problems=parts[0], raw=path / "raw", named=named, root=path.parent))
        raise UserError(Message("{label} {path}: {problems}", label=label, path=path, problems=clauses(parts)))
    return path


def clauses(parts: list[Message]) -> Message:
    """Clauses of one error, each its own message, joined by "; " (a list, not a sentence glued
    from fragments: each clause is whole in every language)."""
    joined = parts[0]
    for part in parts[1:]:
        joined = Message("{first}; {second}", first=joined, second=part)
    return joined


def places_to_load(data_dir: str | Path | None = None, env: Mapping[str, str] | None = None) -> list[Place]:
    """Where train, evaluate and predict read the data: only the folder the user named, if any."""
    env = os.environ if env is None else env
    if data_dir:
        return [Place("--data-dir", given_folder(Path(data_dir), "--data-dir"))]
    if env.get("FASHION_MNIST_DIR"):
        return [Place("$FASHION_MNIST_DIR", given_folder(Path(env["FASHION_MNIST_DIR"]), "$FASHION_MNIST_DIR"))]
    return search_places(env=env)


def find_data(places: list[Place]) -> Path:
    """The first place holding all four files; otherwise a UserError listing every place."""
    for place in places:
        if place.path.is_dir() and all(file_in(place.path, name) for name in FILES):
            return place.path
    raise UserError(missing_data_message(places))


def missing_data_message(places: list[Place]) -> str:
    """Where we looked, in order, and the ways to get the data."""
    # made when the error is raised, so in the interface language of that moment
    lines = [_("Fashion-MNIST was not found. Looked in, in this order:")]
    for number, place in enumerate(places, start=1):
        lines.append(f"  {number}. {place.path}  ({place.label}: {describe(place)})")
    lines += [
        _("Get it in one of these ways:"),
        _("  - sudo apt-get install dataset-fashion-mnist   (Debian/Ubuntu; installs to {folder})").format(
            folder=DEBIAN_DIR),
        _("  - backprop-tui data download                   (into the cache folder above)"),
        _("  - download {files} from").format(files=", ".join(f"{name}.gz" for name in FILES)),
        *[f"      {url}" for url in MIRRORS],
        _("    and pass the folder with --data-dir or $FASHION_MNIST_DIR."),
    ]
    return "\n".join(lines)


def load_dataset(places: list[Place], verify: bool = True, image_size: tuple[int, int] | None = None,
                 cache: Path | None = None, use_cache: bool = True) -> Dataset:
    """Find and read the four files; checks checksums (if `verify`), shapes and labels, and
    that the images are `image_size` (height, width) when given: what the model takes.

    With `use_cache`, the decoded arrays are cached in `cache` (default decoded.cache_folder()),
    keyed by the files' bytes, so the next start skips the gunzip and the MD5 (see decoded.py).
    """
    folder = find_data(places)
    paths = {name: file_in(folder, name) for name in FILES}
    raw = {name: read_raw(path) for name, path in paths.items() if path is not None}
    cache = decoded.cache_folder() if cache is None else cache
    key = decoded.source_key(raw)
    cached = decoded.load(cache, key) if use_cache else None
    if cached is not None:
        arrays, checksums = cached
    else:
        arrays, checksums = {}, {}
        for name, path in paths.items():
            assert path is not None
            data = decompressed(raw[name], path)
            checksums[name] = hashlib.md5(data).hexdigest()  # recorded in checkpoints, too
            if not verify or checksums[name] == FILES[name][1]:  # a damaged file is reported below
                arrays[name] = parse_idx(data, str(path), expect_dims=3 if "images" in name else 1)
    for name, (_gz_md5, content_md5) in FILES.items():
        if verify and checksums[name] != content_md5:
            raise ChecksumMismatch(Message(
                "{path}: contents have MD5 {found}, but Fashion-MNIST's {name} has {expected}: the file is "
                "damaged, or not Fashion-MNIST. Fetch it again (`backprop-tui data download`), or pass "
                "--no-verify for other data in the same format.",
                path=paths[name], found=checksums[name], name=name, expected=content_md5))
    dataset = _checked(folder, arrays, checksums)
    if cached is None and use_cache:
        decoded.store(cache, key, arrays, checksums)
    size = dataset.train_images.shape[1:]
    if image_size is not None and size != tuple(image_size):
        raise IdxError(Message("{folder}: images are {size}, the model needs {needed}", folder=folder,
                               size=f"{size[0]}x{size[1]}", needed=f"{image_size[0]}x{image_size[1]}"))
    return dataset


def _checked(folder: Path, arrays: dict[str, np.ndarray], checksums: dict[str, str]) -> Dataset:
    for split in ("train", "t10k"):
        images = arrays[f"{split}-images-idx3-ubyte"]
        labels = arrays[f"{split}-labels-idx1-ubyte"]
        if images.dtype != np.uint8 or labels.dtype != np.uint8:
            raise IdxError(Message("{folder}: {split} files must hold unsigned bytes (IDX type 0x08)",
                                   folder=folder, split=split))
        if images.shape[0] != labels.shape[0]:
            raise IdxError(Message(
                "{folder}: {images_file} holds {images} images but {labels_file} holds {labels} labels; the two "
                "files do not belong together", folder=folder, images_file=f"{split}-images",
                images=images.shape[0], labels_file=f"{split}-labels", labels=labels.shape[0]))
        if images.shape[0] == 0:
            raise IdxError(Message("{folder}: {images_file} holds no images", folder=folder,
                                   images_file=f"{split}-images"))
        if labels.max() > 9:
            raise IdxError(Message("{folder}: {labels_file} holds label {label}; expected 0-9", folder=folder,
                                   labels_file=f"{split}-labels", label=labels.max()))
    train = arrays["train-images-idx3-ubyte"]
    test = arrays["t10k-images-idx3-ubyte"]
    if train.shape[1:] != test.shape[1:]:
        raise IdxError(Message("{folder}: training images are {train} but test images {test}", folder=folder,
                               train=f"{train.shape[1]}x{train.shape[2]}", test=f"{test.shape[1]}x{test.shape[2]}"))
    return Dataset(train, arrays["train-labels-idx1-ubyte"], test, arrays["t10k-labels-idx1-ubyte"], folder,
                   checksums)


# Fashion-MNIST's pixel mean and standard deviation (of x/255 over the training set).
PIXEL_MEAN = 0.2860
PIXEL_STD = 0.3530


def to_input(images: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """uint8 images (N, H, W) -> standardized float input (N, 1, H, W)."""
    scale = 1.0 / (255.0 * PIXEL_STD)
    shift = PIXEL_MEAN / PIXEL_STD
    out = images.astype(dtype)[:, None, :, :]
    out *= dtype(scale)
    out -= dtype(shift)
    return out

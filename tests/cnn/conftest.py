"""Fixtures for the CNN tests: synthetic IDX data sets and the real data."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from backprop_tui.core.cnn.data import Dataset, load_dataset, search_places
from backprop_tui.core.errors import UserError

from support.fashion_data import write_fashion_like


@pytest.fixture(autouse=True)
def decoded_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decoded data cache goes to a temporary folder, never the user's ~/.cache."""
    from backprop_tui.core.cnn import decoded

    folder = tmp_path_factory.mktemp("decoded-cache")
    monkeypatch.setattr(decoded, "cache_folder", lambda *args, **kwargs: folder)


@pytest.fixture
def dataset_writer() -> Callable[..., Path]:
    return write_fashion_like


@pytest.fixture
def synthetic_dir(tmp_path: Path) -> Path:
    """A folder holding a small synthetic data set (600 training, 200 test images)."""
    return write_fashion_like(tmp_path / "fake-fashion", n_train=600, n_test=200)


@pytest.fixture(scope="session")
def real_data() -> Dataset:
    """The real Fashion-MNIST, found the way the CLI finds it.

    Skipped when absent, except in CI (CI=true), where the Debian package must be installed.
    """
    try:
        return load_dataset(search_places())
    except UserError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the real Fashion-MNIST is unavailable:\n{error}")
        pytest.skip("real Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist)")

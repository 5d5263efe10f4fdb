"""Finding the data: the search order, the message when it is missing, and content checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.cnn import data
from backprop_tui.core.cnn.data import FILES, find_data, load_dataset, search_places, to_input
from backprop_tui.core.cnn.idx import IdxError
from backprop_tui.core.errors import UserError

from support.fashion_data import write_idx


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """Every candidate folder of a fake machine, none of them holding data yet."""
    home = tmp_path / "home"
    return {
        "home": home,
        "cwd": tmp_path / "work",
        "data_dir": tmp_path / "given",
        "env_dir": tmp_path / "from-env",
        "xdg": tmp_path / "xdg",
        "system": tmp_path / "usr-share",
    }


def places(world: dict[str, Path], data_dir: bool = True, xdg: bool = True):
    env = {"FASHION_MNIST_DIR": str(world["env_dir"])}
    if xdg:
        env["XDG_CACHE_HOME"] = str(world["xdg"])
    return search_places(world["data_dir"] if data_dir else None, env=env, home=world["home"],
                         cwd=world["cwd"], system_dir=world["system"])


def test_search_order(world: dict[str, Path]) -> None:
    paths = [place.path for place in places(world)]
    assert paths == [
        world["data_dir"],
        world["env_dir"],
        world["xdg"] / "backprop-tui" / "fashion-mnist",
        world["data_dir"] / "FashionMNIST" / "raw",
        world["cwd"] / "data" / "FashionMNIST" / "raw",
        world["home"] / ".torch" / "FashionMNIST" / "raw",
        world["home"] / ".keras" / "datasets" / "fashion-mnist",
        world["system"],
    ]
    without = [place.path for place in places(world, data_dir=False, xdg=False)]
    assert without[0] == world["env_dir"]
    assert without[1] == world["home"] / ".cache" / "backprop-tui" / "fashion-mnist"


def test_first_complete_folder_wins(world: dict[str, Path], dataset_writer) -> None:
    searched = places(world)
    # Fill from the last place to the first; each time the earlier folder takes over.
    for place in reversed(searched):
        dataset_writer(place.path, n_train=20, n_test=10, gz=place.path != world["system"])
        assert find_data(searched) == place.path


def test_incomplete_folder_is_skipped_and_reported(world: dict[str, Path], dataset_writer) -> None:
    searched = places(world)
    dataset_writer(world["system"], n_train=20, n_test=10)
    partial = dataset_writer(world["data_dir"], n_train=20, n_test=10)
    (partial / "t10k-labels-idx1-ubyte.gz").unlink()
    assert find_data(searched) == world["system"]
    assert data.describe(searched[0]) == "incomplete, missing t10k-labels-idx1-ubyte"


def test_missing_data_lists_every_place_in_order_and_how_to_get_it(world: dict[str, Path]) -> None:
    searched = places(world)
    with pytest.raises(UserError) as caught:
        find_data(searched)
    message = str(caught.value)
    positions = [message.index(f"{n}. {place.path}  (") for n, place in enumerate(searched, start=1)]
    assert positions == sorted(positions)
    assert "apt-get install dataset-fashion-mnist" in message
    assert "backprop-tui data download" in message
    for url in data.MIRRORS:
        assert url in message


def test_load_checks_content_md5(world: dict[str, Path], dataset_writer) -> None:
    folder = dataset_writer(world["data_dir"], n_train=30, n_test=10)
    with pytest.raises(IdxError, match=r"train-images-idx3-ubyte.gz: contents have MD5 [0-9a-f]{32}, but "
                                       r"Fashion-MNIST's train-images-idx3-ubyte has f4a8712d"):
        load_dataset(places(world))
    loaded = load_dataset(places(world), verify=False)
    assert loaded.source == folder
    assert loaded.train_images.shape == (30, 28, 28) and loaded.test_labels.shape == (10,)


def test_mismatched_images_and_labels(world: dict[str, Path], dataset_writer) -> None:
    folder = dataset_writer(world["data_dir"], n_train=30, n_test=10)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(29, np.uint8))
    with pytest.raises(IdxError, match="train-images holds 30 images but train-labels holds 29 labels"):
        load_dataset(places(world), verify=False)


def test_labels_out_of_range_and_swapped_files(world: dict[str, Path], dataset_writer) -> None:
    folder = dataset_writer(world["data_dir"], n_train=30, n_test=10)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.full(10, 12, np.uint8))
    with pytest.raises(IdxError, match="label 12; expected 0-9"):
        load_dataset(places(world), verify=False)
    (folder / "t10k-labels-idx1-ubyte.gz").replace(folder / "keep.gz")
    (folder / "t10k-images-idx3-ubyte.gz").rename(folder / "t10k-labels-idx1-ubyte.gz")
    (folder / "keep.gz").rename(folder / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(IdxError, match=r"t10k-images-idx3-ubyte.gz: has 1 dimension\(s\), expected 3"):
        load_dataset(places(world), verify=False)


def test_plain_files_are_found_too(world: dict[str, Path], dataset_writer) -> None:
    dataset_writer(world["env_dir"], n_train=12, n_test=4, gz=False)
    assert load_dataset(places(world), verify=False).train_images.shape[0] == 12


def test_real_files_pass_the_checksum(real_data) -> None:
    """The installed copy (Debian re-compressed it) matches the published content checksums."""
    assert real_data.train_images.shape == (60000, 28, 28)
    assert real_data.test_images.shape == (10000, 28, 28)
    assert np.bincount(real_data.test_labels).tolist() == [1000] * 10
    assert set(FILES) == {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                          "t10k-labels-idx1-ubyte"}


def test_to_input_standardises() -> None:
    images = np.array([[[0, 255]]], np.uint8)
    x = to_input(images)
    assert x.shape == (1, 1, 1, 2) and x.dtype == np.float32
    np.testing.assert_allclose(x[0, 0, 0], [-data.PIXEL_MEAN / data.PIXEL_STD, (1 - data.PIXEL_MEAN) / data.PIXEL_STD],
                               rtol=1e-6)

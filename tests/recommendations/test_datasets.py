"""The whole-dataset zip kept per data version (recommendations/datasets.py) and
``manage.py build_data_package``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations import datasets
from recommendations.models import Recommendation

URL = "/data/gcm-review-tracker.zip"


@pytest.fixture
def package_dir(settings, tmp_path) -> Path:
    settings.DATA_PACKAGE_DIR = str(tmp_path / "packages")
    return tmp_path / "packages"


def download(client) -> bytes:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def recommendations_csv(content: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive.read("gcm-review-tracker/recommendations.csv").decode("utf-8-sig")


def kept(package_dir: Path) -> list[Path]:
    return sorted(package_dir.iterdir())


def test_a_second_download_is_the_kept_file(
    client, imported, package_dir, django_assert_max_num_queries
):
    first = download(client)
    assert len(kept(package_dir)) == 1
    # Only the data version is read: nothing is exported again.
    with django_assert_max_num_queries(2):
        second = download(client)
    assert second == first
    assert "27(f)" in recommendations_csv(second)


def test_a_change_makes_a_new_package_and_removes_the_old(client, imported, package_dir):
    before = download(client)
    (old,) = kept(package_dir)
    Recommendation.objects.filter(reference="27(f)").update(publication_state="draft")
    after = download(client)
    assert "27(f)" in recommendations_csv(before)
    assert "27(f)" not in recommendations_csv(after)
    (new,) = kept(package_dir)
    assert new != old


def test_each_site_address_has_its_own_package(client, imported, package_dir):
    download(client)
    path = datasets.data_package_path("https://gcm.example.org/")
    archive = zipfile.ZipFile(path)
    assert (
        "Source: https://gcm.example.org/" in archive.read("gcm-review-tracker/README.md").decode()
    )
    assert len(kept(package_dir)) == 2


def test_a_failed_build_leaves_nothing_behind(client, imported, package_dir, monkeypatch):
    def fail(target, base_url):
        target.write(b"PK partial")
        raise RuntimeError("the database went away")

    monkeypatch.setattr(datasets, "write_data_package", fail)
    with pytest.raises(RuntimeError):
        datasets.data_package_path("http://testserver/")
    assert kept(package_dir) == []
    monkeypatch.undo()
    assert "27(f)" in recommendations_csv(download(client))


def test_a_folder_that_cannot_be_written_still_gives_the_download(
    client, imported, settings, tmp_path, caplog
):
    # A file where the folder should be: nothing can be kept there.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.DATA_PACKAGE_DIR = str(blocked / "packages")
    assert "27(f)" in recommendations_csv(download(client))
    assert "cannot be kept in DATA_PACKAGE_DIR" in caplog.text


def test_the_command_builds_the_package_the_site_then_serves(client, imported, package_dir):
    out = io.StringIO()
    call_command("build_data_package", "--base-url", "http://testserver", stdout=out)
    (path,) = kept(package_dir)
    assert str(path) in out.getvalue()
    # Readable by the site's own user when cron or a deployment built it as another.
    assert path.stat().st_mode & 0o044 == 0o044
    assert download(client) == path.read_bytes()
    assert kept(package_dir) == [path]


@pytest.mark.parametrize("value", ["gcm.example.org", "ftp://gcm.example.org/", "https://x/?a=1"])
def test_the_command_refuses_an_address_that_is_not_the_sites(db, package_dir, value):
    with pytest.raises(CommandError, match="--base-url"):
        call_command("build_data_package", "--base-url", value)
    assert not package_dir.exists() or kept(package_dir) == []

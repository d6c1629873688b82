"""Where order photos are kept: local files by default, object storage by setting."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_deploy_settings import run, settings_of


def test_photos_are_local_files_under_the_var_folder_by_default(tmp_path: Path) -> None:
    [storages] = settings_of(["STORAGES"], {"DEBUG": "1"}, tmp_path)
    code = "from django.conf import settings; print(settings.MEDIA_ROOT)"
    done = run(["shell", "-c", code], {"DEBUG": "1"}, tmp_path)

    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert done.stdout.strip().splitlines()[-1] == str(tmp_path / "var" / "media")


def test_object_storage_is_chosen_by_setting_and_private(tmp_path: Path) -> None:
    env = {
        "DEBUG": "1",
        "MINSHENG_MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "county-photos",
        "AWS_S3_ENDPOINT_URL": "https://oss.example.cn",
    }

    [storages] = settings_of(["STORAGES"], env, tmp_path)

    assert storages["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "county-photos",
            "endpoint_url": "https://oss.example.cn",
            "region_name": None,
            "location": "minsheng",
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


def test_object_storage_without_a_bucket_refuses_to_start(tmp_path: Path) -> None:
    done = run(["check"], {"DEBUG": "1", "MINSHENG_MEDIA_STORAGE": "s3"}, tmp_path)

    assert done.returncode != 0
    assert "MINSHENG_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in done.stderr


def test_an_unknown_storage_refuses_to_start(tmp_path: Path) -> None:
    done = run(["check"], {"DEBUG": "1", "MINSHENG_MEDIA_STORAGE": "ftp"}, tmp_path)

    assert done.returncode != 0
    assert "MINSHENG_MEDIA_STORAGE must be local or s3, not 'ftp'" in done.stderr

"""Bucket reconciliation: objects no row points at, and rows whose object is missing.

Every file the platform keeps is either a key column (``*object_key`` beside a ``storage_bucket``
column: clinical documents, invoice and credit-note PDFs, photos and their thumbnails, social
images) or a Django ``FileField`` (Wagtail's marketing images, renditions and documents, in the
marketing bucket). Both are found from the model graph, so a new model is covered without a list.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import models
from storages.backends.s3 import S3Storage

from erp.core.storage import BUCKETS, bucket

# Objects written by the diagnostics probe live a few milliseconds; they are not orphans.
TRANSIENT_PREFIXES = ("_diagnostics/",)


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified_at: datetime


@dataclass(frozen=True)
class FileReference:
    model: str
    pk: str
    field: str
    key: str


@dataclass
class BucketReport:
    bucket: str
    objects: int = 0
    rows: int = 0
    objects_without_rows: list[StoredObject] = field(default_factory=list)
    rows_without_objects: list[FileReference] = field(default_factory=list)
    deleted_objects: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.objects_without_rows and not self.rows_without_objects

    def as_dict(self) -> dict:
        return {
            "bucket": self.bucket,
            "objects": self.objects,
            "rows": self.rows,
            "objects_without_rows": [
                {"key": o.key, "modified_at": o.modified_at.isoformat()} for o in self.objects_without_rows
            ],
            "rows_without_objects": [r.__dict__ for r in self.rows_without_objects],
            "deleted_objects": self.deleted_objects,
        }


def bucket_objects(storage: Storage) -> Iterator[StoredObject]:
    """Every object of a bucket with its last-modified time (S3 listing or a walk of the folder)."""
    if isinstance(storage, S3Storage):
        for obj in storage.bucket.objects.all():
            yield StoredObject(obj.key, obj.last_modified.astimezone(UTC))
        return
    if isinstance(storage, FileSystemStorage):
        root = storage.location
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(folder, name)
                key = os.path.relpath(path, root).replace(os.sep, "/")
                yield StoredObject(key, datetime.fromtimestamp(os.path.getmtime(path), UTC))
        return
    raise TypeError(f"Cannot list a {type(storage).__name__}.")


def _file_field_bucket(file_field: models.FileField) -> str | None:
    storage = file_field.storage
    for name in BUCKETS:
        if storage is bucket(name):
            return name
    if storage is default_storage or getattr(storage, "_wrapped", None) is getattr(default_storage, "_wrapped", 0):
        return "marketing"  # STORAGES["default"] is the marketing bucket
    return None


def file_references() -> Iterator[tuple[str, FileReference]]:
    """(bucket, reference) for every stored file the database knows about."""
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        names = {f.name for f in opts.concrete_fields}
        manager = model._base_manager
        if "storage_bucket" in names:
            key_fields = [f.name for f in opts.concrete_fields if f.name.endswith("object_key")]
            for row in manager.values("pk", "storage_bucket", *key_fields).iterator():
                for key_field in key_fields:
                    if row[key_field]:
                        yield row["storage_bucket"], FileReference(
                            opts.label_lower, str(row["pk"]), key_field, row[key_field]
                        )
        for file_field in opts.concrete_fields:
            if isinstance(file_field, models.FileField):
                bucket_name = _file_field_bucket(file_field)
                if bucket_name is None:
                    continue
                for pk, name in manager.exclude(**{file_field.name: ""}).values_list("pk", file_field.name).iterator():
                    if name:
                        yield bucket_name, FileReference(opts.label_lower, str(pk), file_field.name, name)


def storage_reconcile(
    *, delete_orphan_objects: bool = False, grace: timedelta = timedelta(hours=24), now: datetime | None = None
) -> list[BucketReport]:
    """Compare each bucket with the rows; optionally delete orphan objects older than ``grace``
    (younger ones may belong to an upload whose transaction is still running)."""
    now = now or datetime.now(UTC)
    reports = {name: BucketReport(name) for name in BUCKETS}
    referenced: dict[str, dict[str, FileReference]] = {name: {} for name in BUCKETS}
    for bucket_name, reference in file_references():
        if bucket_name in referenced:
            referenced[bucket_name][reference.key] = reference
            reports[bucket_name].rows += 1
    for name, report in reports.items():
        storage = bucket(name)
        present = set()
        for obj in bucket_objects(storage):
            present.add(obj.key)
            report.objects += 1
            if obj.key in referenced[name] or obj.key.startswith(TRANSIENT_PREFIXES):
                continue
            report.objects_without_rows.append(obj)
            if delete_orphan_objects and obj.modified_at <= now - grace:
                storage.delete(obj.key)
                report.deleted_objects.append(obj.key)
        report.rows_without_objects = sorted(
            (ref for key, ref in referenced[name].items() if key not in present), key=lambda r: (r.model, r.key)
        )
        report.objects_without_rows.sort(key=lambda o: o.key)
    return list(reports.values())

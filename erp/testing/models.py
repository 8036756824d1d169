from django.db import models

from erp.core.models import BaseModel, CreatedByModel, SoftDeleteModel, VersionedModel


class Specimen(BaseModel, SoftDeleteModel, CreatedByModel, VersionedModel):
    """A record with every core mixin: soft delete, created_by, row_version."""

    name = models.CharField(max_length=100)

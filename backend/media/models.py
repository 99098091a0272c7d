"""Uploaded files, stored by content hash; private unless a feature publishes them."""

from tortoise import fields

from backend.core.models import Entity


class Upload(Entity):
    owner = fields.ForeignKeyField("linli.Person", related_name="uploads", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=32)  # proof_photo | registry_import
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64, db_index=True)
    filename = fields.CharField(max_length=100, null=True)  # as the uploader named it (attachments)
    # Public images: variant name -> content key (display, thumbnail), so a page can show either.
    variants = fields.JSONField(null=True)

    class Meta:
        table = "upload"

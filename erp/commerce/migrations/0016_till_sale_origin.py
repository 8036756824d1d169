"""Issue 26 (the till): a sale links to the appointment and encounter it came from."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinical", "0013_verbose_names"),
        ("commerce", "0015_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="sale",
            name="appointment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sales",
                to="clinical.appointment",
                verbose_name="appointment",
            ),
        ),
        migrations.AddField(
            model_name="sale",
            name="encounter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sales",
                to="clinical.encounter",
                verbose_name="encounter",
            ),
        ),
    ]

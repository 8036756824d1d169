"""Chain hashes are not indexed (see ops 0004): nothing looks a journal entry or closing up by its hash."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0008_sale_count'),
    ]

    operations = [
        migrations.AlterField(
            model_name='fiscalclosing',
            name='hash',
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='fiscaljournalentry',
            name='hash',
            field=models.CharField(editable=False, max_length=64),
        ),
    ]

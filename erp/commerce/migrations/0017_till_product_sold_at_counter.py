"""Issue 26 (the till): which products the counter offers (services and retail items, not
wholesale cartons)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("commerce", "0016_till_sale_origin")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="sold_at_counter",
            field=models.BooleanField(
                default=True,
                help_text="Offered at the till. Switch off for wholesale cartons and items sold only to distributors.",
                verbose_name="sold at the counter",
            ),
        ),
    ]

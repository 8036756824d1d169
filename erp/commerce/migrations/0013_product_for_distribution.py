from django.db import migrations, models


class Migration(migrations.Migration):
    """Spec 004's catalogue: a product is offered to distributors only when flagged; the
    currencies are labelled by their ISO codes (USD, EUR, UYU), not "Usd"."""

    dependencies = [
        ("commerce", "0012_fiscal_closing_close_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="for_distribution",
            field=models.BooleanField(
                default=False,
                help_text="Shown in the distributors' catalogue and accepted on their orders.",
                verbose_name="sold to distributors",
            ),
        ),
        migrations.AlterField(
            model_name="product",
            name="currency",
            field=models.CharField(
                choices=[("EUR", "EUR"), ("USD", "USD"), ("UYU", "UYU")], default="EUR", max_length=3
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("for_distribution", True), ("is_active", True)),
                fields=["currency", "name"],
                name="commerce_product_distribution",
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("yearconfigs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="aspect",
            name="retired",
            field=models.BooleanField(
                default=False, help_text="停用后保留在已有记录中，新填写的记录不再可选", verbose_name="已停用"
            ),
        ),
    ]

from django.db import migrations, models


def forget_records(apps, schema_editor):
    # Records of sessions by their clear key are dropped; the next login of each account records it again.
    apps.get_model("accounts", "SessionRecord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_identity_controls"),
    ]

    operations = [
        migrations.RunPython(forget_records, migrations.RunPython.noop),
        migrations.RemoveField(model_name="sessionrecord", name="session_key"),
        migrations.AddField(
            model_name="sessionrecord",
            name="key_hash",
            field=models.CharField(default="", max_length=64, unique=True),
            preserve_default=False,
        ),
    ]

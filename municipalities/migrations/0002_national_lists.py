"""The fixed national staff groups and sectors (domain.md §4); the data lives in
municipalities/national_lists.py, whose codes never change."""

from django.db import migrations


def create_lists(apps, schema_editor):
    from municipalities.national_lists import ensure_national_lists

    ensure_national_lists(
        StaffGroup=apps.get_model("municipalities", "StaffGroup"),
        Sector=apps.get_model("municipalities", "Sector"),
    )


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]
    operations = [migrations.RunPython(create_lists, migrations.RunPython.noop)]

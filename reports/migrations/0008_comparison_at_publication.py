"""The comparison across kommuner is computed at publication (reports.comparison_snapshot):
the rounds published before are computed here, once, with the same code."""

from django.db import migrations, models


def compute_published_rounds(apps, schema_editor):
    # The current models and code, not the historical ones: the rules must be exactly those
    # publication runs. A new database (and every test database) has nothing to compute, so it
    # never runs the current models against this migration's schema; a database with rounds
    # published before must migrate through here before a later migration changes these models.
    if apps is not None and not apps.get_model("reports", "Publication").objects.exists():
        return
    from assessment.models import Round
    from reports.comparison_snapshot import store_comparison
    from reports.models import Publication

    for publication in Publication.objects.select_related("round__instrument"):
        round_: Round = publication.round
        store_comparison(round_=round_, publication=publication)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_cells_are_views"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="comparison",
            field=models.JSONField(null=True),
        ),
        migrations.AddField(
            model_name="publishedmunicipality",
            name="benchmarks",
            field=models.JSONField(null=True),
        ),
        migrations.AddField(
            model_name="publishedmunicipality",
            name="comparison",
            field=models.JSONField(null=True),
        ),
        migrations.RunPython(compute_published_rounds, migrations.RunPython.noop),
    ]

"""Existing data after 0003: every participation gets its own address salt, the addresses still
on invitations are remembered as keyed hashes, and responses and their parts stored before
0003 get random keys, so their old sequential ids no longer give the order of submission."""

import hashlib
import hmac
import secrets

from django.db import migrations

from assessment.keys import random_keys

CHUNK = 50_000
PARENT = "assessment_response"
CHILDREN = ("assessment_answer", "assessment_responsescore", "assessment_responsechoice")


def hash_addresses(apps, schema_editor):
    Participation = apps.get_model("assessment", "Participation")
    Invitation = apps.get_model("assessment", "Invitation")
    InvitedAddress = apps.get_model("assessment", "InvitedAddress")
    for participation in Participation.objects.all():
        participation.address_salt = secrets.token_hex(16)
        participation.save(update_fields=["address_salt"])
        emails = set(
            Invitation.objects.filter(participation=participation)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        digests = sorted(
            hmac.new(
                participation.address_salt.encode(),
                email.strip().lower().encode("utf-8"),
                hashlib.sha256,
            ).hexdigest()
            for email in emails
        )
        InvitedAddress.objects.bulk_create(
            InvitedAddress(id=key, participation=participation, address_hash=digest)
            for key, digest in zip(random_keys(len(digests)), digests, strict=True)
        )


def _rekey(cursor, table, column, updates):
    """Give every row of `table` a random `column` value; `updates` are (table, column) pairs
    that refer to it and get the same new value. Done in chunks of old ids, with new ids above
    the old maximum so that no chunk meets a row it already changed."""
    cursor.execute(f"SELECT MAX({column}) FROM {table}")
    highest = cursor.fetchone()[0]
    if highest is None:
        return
    cursor.execute("DELETE FROM assessment_rekey")
    for low in range(0, highest + 1, CHUNK):
        high = low + CHUNK - 1
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} BETWEEN %s AND %s", [low, high])
        old = [row[0] for row in cursor.fetchall()]
        if not old:
            continue
        new = [key for key in random_keys(len(old) + 16) if key > highest][: len(old)]
        cursor.executemany(
            "INSERT INTO assessment_rekey (old_id, new_id) VALUES (%s, %s)",
            list(zip(old, new, strict=True)),
        )
        for target, target_column in [*updates, (table, column)]:
            cursor.execute(
                f"UPDATE {target} SET {target_column} = (SELECT new_id FROM assessment_rekey "
                f"WHERE old_id = {target}.{target_column}) "
                f"WHERE {target_column} BETWEEN %s AND %s",
                [low, high],
            )
        cursor.execute("DELETE FROM assessment_rekey")


def _skip_fk_triggers_if_allowed(cursor, connection):
    """The new keys are consistent by construction; a superuser skips millions of deferred
    foreign-key checks (as the COPY path does). Any other role keeps them, only slower."""
    if connection.vendor != "postgresql":
        return
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def rekey_responses(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        _skip_fk_triggers_if_allowed(cursor, schema_editor.connection)
        cursor.execute(
            "CREATE TABLE assessment_rekey (old_id bigint PRIMARY KEY, new_id bigint NOT NULL)"
        )
        _rekey(cursor, PARENT, "id", [(child, "response_id") for child in CHILDREN])
        for child in CHILDREN:
            _rekey(cursor, child, "id", [])
        cursor.execute("DROP TABLE assessment_rekey")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_respondent_anonymity")]

    operations = [
        migrations.RunPython(hash_addresses, migrations.RunPython.noop),
        migrations.RunPython(rekey_responses, migrations.RunPython.noop),
    ]

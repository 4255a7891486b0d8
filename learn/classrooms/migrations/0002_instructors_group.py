from django.db import migrations


def create_group(apps, schema_editor):
    # The instructor role is membership of this group: create it so an admin can grant the
    # role in /admin/ right away. The name matches learn.accounts.models.INSTRUCTORS_GROUP.
    apps.get_model("auth", "Group").objects.get_or_create(name="instructors")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("classrooms", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]

"""The Editors group: exactly what an editor needs to enter and correct rounds.

Editors add and change everything a round is made of, and may delete what is entered
by mistake (a position, a milestone, a round without positions); they see the tariff
reference data and may add or correct lines, measures and trade values, but they
manage neither countries nor users.
"""

from django.db import migrations

EDITOR_PERMISSIONS = {
    "negotiations": {
        "negotiation": ["add", "change", "view"],
        "talkround": ["add", "change", "delete", "view"],
        "statedposition": ["add", "change", "delete", "view"],
        "issue": ["add", "change", "view"],
        "source": ["add", "change", "view"],
        "official": ["add", "change", "view"],
        "milestone": ["add", "change", "delete", "view"],
    },
    "tariffs": {
        "country": ["view"],
        "tariffline": ["add", "change", "view"],
        "tariffmeasure": ["add", "change", "view"],
        "tradevalue": ["add", "change", "view"],
    },
}


def create_editors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran (post_migrate); on a
    # fresh database they do not exist yet here, so create them now.
    for app_label in EDITOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    wanted = [
        (app_label, f"{action}_{model}")
        for app_label, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in wanted
    ]
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0001_initial"),
        ("tariffs", "0002_countries"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]

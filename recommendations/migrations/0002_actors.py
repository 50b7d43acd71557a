"""The addressees recommendations name, as data every database has after ``migrate``.

Staff extend the list in the admin; this is the vocabulary the curated 2021
dataset uses.
"""

from django.db import migrations

ACTORS = [
    ("Governments", "governments", "States and governments in general, of any country."),
    ("Governments of countries of origin", "governments-origin", "Including their embassies and consulates abroad."),
    ("Governments of countries of transit", "governments-transit", ""),
    ("Governments of countries of destination", "governments-destination", ""),
    ("Local authorities", "local-authorities", "Municipal, city and provincial governments."),
    ("Parliamentarians", "parliamentarians", ""),
    ("National human rights institutions", "national-human-rights-institutions", ""),
    ("Private sector and employers", "private-sector", "Employers, recruitment agencies, businesses and online platforms."),
    ("Trade unions", "trade-unions", ""),
    ("Civil society", "civil-society", "Civil society organizations."),
    ("Migrant and diaspora organizations", "migrant-organizations", "Including migrant networks."),
    ("Academia", "academia", "Universities and researchers."),
    ("Media", "media", ""),
    ("United Nations system", "un-system", "United Nations entities and the United Nations Network on Migration."),
    ("Regional processes", "regional-processes", "Regional consultative processes and intergovernmental bodies such as ASEAN, the Colombo Process and the Abu Dhabi Dialogue."),
    ("Humanitarian actors", "humanitarian-actors", "Including the International Red Cross and Red Crescent Movement."),
]


def load_actors(apps, schema_editor):
    Actor = apps.get_model("recommendations", "Actor")
    for position, (name, slug, description) in enumerate(ACTORS, start=1):
        Actor.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(load_actors, migrations.RunPython.noop)]

"""The Global Compact's framework as data every database has after ``migrate``.

Objectives and principles: General Assembly resolution 73/195, paragraphs 15-16.
Review clusters: General Assembly resolution 73/326. Stakeholder groups: paragraph 44
of the Compact. The values are written out here, not read from a file, so that this
migration gives the same result whenever it runs.
"""

from django.db import migrations

CLUSTERS = [
    (1, "Ensuring that migration is voluntary, orderly and regular", "voluntary-orderly-regular"),
    (2, "Protecting migrants through rights-based border governance measures", "rights-based-border-governance"),
    (3, "Supporting integration of migrants and their contribution to development", "integration-and-development"),
    (4, "Improving value-driven and evidence-based policymaking and public debate, and enhancing cooperation on migration", "policymaking-and-cooperation"),
]

# (number, official title, short label, slug, cluster)
OBJECTIVES = [
    (1, "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies", "Data", "data", 4),
    (2, "Minimize the adverse drivers and structural factors that compel people to leave their country of origin", "Drivers of migration", "drivers-of-migration", 1),
    (3, "Provide accurate and timely information at all stages of migration", "Information", "information", 4),
    (4, "Ensure that all migrants have proof of legal identity and adequate documentation", "Legal identity", "legal-identity", 2),
    (5, "Enhance availability and flexibility of pathways for regular migration", "Regular pathways", "regular-pathways", 1),
    (6, "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work", "Fair recruitment and decent work", "fair-recruitment-decent-work", 1),
    (7, "Address and reduce vulnerabilities in migration", "Vulnerabilities", "vulnerabilities", 4),
    (8, "Save lives and establish coordinated international efforts on missing migrants", "Missing migrants", "missing-migrants", 2),
    (9, "Strengthen the transnational response to smuggling of migrants", "Smuggling of migrants", "smuggling-of-migrants", 2),
    (10, "Prevent, combat and eradicate trafficking in persons in the context of international migration", "Trafficking in persons", "trafficking-in-persons", 2),
    (11, "Manage borders in an integrated, secure and coordinated manner", "Border management", "border-management", 2),
    (12, "Strengthen certainty and predictability in migration procedures for appropriate screening, assessment and referral", "Screening and referral", "screening-and-referral", 1),
    (13, "Use migration detention only as a measure of last resort and work towards alternatives", "Alternatives to detention", "alternatives-to-detention", 2),
    (14, "Enhance consular protection, assistance and cooperation throughout the migration cycle", "Consular protection", "consular-protection", 3),
    (15, "Provide access to basic services for migrants", "Basic services", "basic-services", 3),
    (16, "Empower migrants and societies to realize full inclusion and social cohesion", "Inclusion and social cohesion", "inclusion-social-cohesion", 3),
    (17, "Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration", "Non-discrimination", "non-discrimination", 4),
    (18, "Invest in skills development and facilitate mutual recognition of skills, qualifications and competences", "Skills", "skills", 1),
    (19, "Create conditions for migrants and diasporas to fully contribute to sustainable development in all countries", "Diaspora contributions", "diaspora-contributions", 3),
    (20, "Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants", "Remittances", "remittances", 3),
    (21, "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration", "Return and reintegration", "return-and-reintegration", 2),
    (22, "Establish mechanisms for the portability of social security entitlements and earned benefits", "Social security portability", "social-security-portability", 3),
    (23, "Strengthen international cooperation and global partnerships for safe, orderly and regular migration", "International cooperation", "international-cooperation", 4),
]

# (name, slug, paragraph of the Compact, description)
PRINCIPLES = [
    ("People-centred", "people-centred", "15(a)", "The Compact carries a strong human dimension, promoting the well-being of migrants and the members of communities in countries of origin, transit and destination."),
    ("International cooperation", "international-cooperation", "15(b)", "Migration is transnational by nature; no State can address it alone. The Compact is a non-legally binding cooperative framework."),
    ("National sovereignty", "national-sovereignty", "15(c)", "The Compact reaffirms the sovereign right of States to determine their national migration policy, in conformity with international law."),
    ("Rule of law and due process", "rule-of-law-and-due-process", "15(d)", "Respect for the rule of law, due process and access to justice are fundamental to all aspects of migration governance."),
    ("Sustainable development", "sustainable-development", "15(e)", "The Compact is rooted in the 2030 Agenda for Sustainable Development and builds on its recognition that migration contributes to sustainable development."),
    ("Human rights", "human-rights", "15(f)", "The Compact ensures effective respect, protection and fulfilment of the human rights of all migrants, regardless of their migration status."),
    ("Gender-responsive", "gender-responsive", "15(g)", "The Compact ensures that the human rights of women, men, girls and boys are respected at all stages of migration, and recognizes the independence, agency and leadership of migrant women."),
    ("Child-sensitive", "child-sensitive", "15(h)", "The Compact promotes existing international legal obligations in relation to the rights of the child and upholds the principle of the best interests of the child at all times."),
    ("Whole-of-government approach", "whole-of-government-approach", "15(i)", "Migration is a multidimensional reality that cannot be addressed by one government policy sector alone; it needs horizontal and vertical policy coherence."),
    ("Whole-of-society approach", "whole-of-society-approach", "15(j)", "The Compact promotes broad multi-stakeholder partnerships that include migrants, diasporas, local communities, civil society, academia, the private sector, parliamentarians, trade unions, national human rights institutions, the media and other relevant stakeholders."),
]

STAKEHOLDER_GROUPS = [
    ("Migrants", "migrants"),
    ("Civil society", "civil-society"),
    ("Migrant and diaspora organizations", "migrant-and-diaspora-organizations"),
    ("Faith-based organizations", "faith-based-organizations"),
    ("Local authorities and communities", "local-authorities-and-communities"),
    ("Private sector", "private-sector"),
    ("Trade unions", "trade-unions"),
    ("Parliamentarians", "parliamentarians"),
    ("National human rights institutions", "national-human-rights-institutions"),
    ("International Red Cross and Red Crescent Movement", "red-cross-red-crescent"),
    ("Academia", "academia"),
    ("Media", "media"),
    ("Other relevant stakeholders", "other-stakeholders"),
]


def load_framework(apps, schema_editor):
    Cluster = apps.get_model("consultations", "Cluster")
    Objective = apps.get_model("consultations", "Objective")
    GuidingPrinciple = apps.get_model("consultations", "GuidingPrinciple")
    StakeholderGroup = apps.get_model("consultations", "StakeholderGroup")

    clusters = {}
    for number, title, slug in CLUSTERS:
        clusters[number], _ = Cluster.objects.update_or_create(
            number=number, defaults={"title": title, "slug": slug}
        )
    for number, title, label, slug, cluster in OBJECTIVES:
        Objective.objects.update_or_create(
            number=number,
            defaults={"title": title, "short_label": label, "slug": slug, "cluster": clusters[cluster]},
        )
    for position, (name, slug, paragraph, description) in enumerate(PRINCIPLES, start=1):
        GuidingPrinciple.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "compact_paragraph": paragraph, "description": description, "position": position},
        )
    for position, (name, slug) in enumerate(STAKEHOLDER_GROUPS, start=1):
        StakeholderGroup.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(load_framework, migrations.RunPython.noop)]

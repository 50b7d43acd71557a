from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Challenges, good practices and recommendations")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from gcm_review import logs
        from gcm_review.workflow import ensure_roles
        from recommendations import triggers

        logs.connect()
        # After this app's migrations, when the permissions of both apps exist.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="gcm_review.ensure_roles")
        # Again after every migrate: on SQLite, altering a table rebuilds it without them.
        post_migrate.connect(
            triggers.install_after_migrate, sender=self, dispatch_uid="recommendations.triggers"
        )

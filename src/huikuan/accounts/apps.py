from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huikuan.accounts"
    label = "accounts"
    verbose_name = "用户与团队"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from huikuan.accounts import sessions  # noqa: F401  (connects the login-time receiver)
        from huikuan.accounts.roles import sync_role_groups

        # Every app's permissions exist only after its own post_migrate, so sync after each (idempotent).
        post_migrate.connect(sync_role_groups, dispatch_uid="huikuan.sync_role_groups")

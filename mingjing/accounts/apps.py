from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mingjing.accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from mingjing.accounts.security import on_login, on_logout

        user_logged_in.connect(on_login, dispatch_uid="mingjing.accounts.on_login")
        user_logged_out.connect(on_logout, dispatch_uid="mingjing.accounts.on_logout")

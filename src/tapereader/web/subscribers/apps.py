from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "tapereader.web.subscribers"
    label = "subscribers"
    verbose_name = "Subscribers and consent"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .ledger import guard_on

        def register(sender: object, connection: object, **kwargs: object) -> None:
            if getattr(connection, "vendor", "") == "sqlite":
                # the ledger's SQLite triggers call this (migration 0002)
                connection.connection.create_function(  # type: ignore[attr-defined]
                    "tapereader_ledger_guard", 0, guard_on, deterministic=False)

        connection_created.connect(register, weak=False, dispatch_uid="tapereader-ledger-guard")

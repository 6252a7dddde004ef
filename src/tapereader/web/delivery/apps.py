from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tapereader.web.delivery"
    label = "delivery"

    def ready(self) -> None:
        from anymail.signals import tracking

        from .webhooks import anymail_tracking

        tracking.connect(anymail_tracking, dispatch_uid="tapereader-delivery-tracking")

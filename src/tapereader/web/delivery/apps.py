from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tapereader.web.delivery"
    label = "delivery"

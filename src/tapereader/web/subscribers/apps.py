from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "tapereader.web.subscribers"
    label = "subscribers"

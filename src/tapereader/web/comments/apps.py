from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "tapereader.web.comments"
    label = "comments"

from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "tapereader.web.posts"
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        from .pagecache import connect_signals

        connect_signals()

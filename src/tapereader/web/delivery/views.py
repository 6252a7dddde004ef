"""The site's own short links for texts: ``/s/<code>/`` redirects to the post."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect

from .outbox import short_id


def short_link(request: HttpRequest, code: str) -> HttpResponsePermanentRedirect:
    """A public post's dated URL from its base-36 code; 404 for anything else."""
    from tapereader.web.posts.models import Post

    try:
        pk = short_id(code)
    except ValueError:
        raise Http404("no such link") from None
    post = Post.objects.public().filter(pk=pk).first()
    if post is None:
        raise Http404("no such post")
    return HttpResponsePermanentRedirect(post.get_absolute_url())

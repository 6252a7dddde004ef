"""The thread under a post: public comments as a tree of at most two reply levels."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Comment


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)


PUBLIC_FIELDS = ("id", "post_id", "parent_id", "by_author", "name", "website", "body",
                 "created", "status")


def public_thread(post) -> tuple[list[Node], int]:
    """The post's public comments as top-level nodes with their replies (oldest first), and
    their number. Only the fields a page shows are read (never the commenter or the IP); a
    reply whose parent is no longer public is shown at the top level."""
    comments = list(Comment.objects.public().filter(post=post).only(*PUBLIC_FIELDS)
                    .order_by("created", "id"))
    nodes = {c.pk: Node(c) for c in comments}
    top: list[Node] = []
    for c in comments:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.replies if parent else top).append(nodes[c.pk])
    return top, len(comments)

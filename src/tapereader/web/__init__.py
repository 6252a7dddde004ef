"""The Django site: posts, archive, feeds and the author's admin (comments, subscriptions and
delivery live in their own apps). Settings come from tapereader's config (``siteconfig``)."""

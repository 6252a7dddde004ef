"""1,000 scripted bot submissions from four IPs: none becomes public."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from django.test import Client

from tapereader.web.comments.models import Comment

from .conftest import approve_email, form_data, post_url

pytestmark = pytest.mark.django_db
IPS = ["198.51.100.7", "198.51.100.8", "203.0.113.50", "2001:db8::66"]


def test_a_thousand_bot_submissions_make_no_public_comment(post) -> None:
    approve_email(post, "regular@example.com", "Regular")  # a real reader, approved
    rng = random.Random(14)
    page_token = re.search(r'name="ts" value="([^"]+)"',
                           Client().get(post.get_absolute_url()).content.decode()).group(1)
    kinds = ["honeypot", "instant", "no-token", "forged", "patient", "links"]
    codes: Counter = Counter()
    texts = []
    for i in range(1000):
        kind = kinds[i % len(kinds)]
        text = f"Great post! Visit my site {i} {rng.random():.6f}"
        data = form_data(post, email=f"bot{rng.randrange(40)}@spam.example", name=f"Bot {i}",
                         website="https://spam.example/", comment=text)
        if kind == "honeypot":
            data["homepage"] = "https://spam.example/"
        elif kind == "instant":
            data["ts"] = page_token if i % 2 else form_data(post, age=0.2)["ts"]
        elif kind == "no-token":
            data.pop("ts")
        elif kind == "forged":
            data["ts"] = data["ts"][:-4] + "abcd"
        elif kind == "links":
            data["comment"] = text + " https://a.example https://b.example https://c.example"
        texts.append(data["comment"])
        ip = IPS[i % len(IPS)]
        r = Client(REMOTE_ADDR=ip).post(post_url(post), data)
        codes[r.status_code] += 1
    assert Comment.objects.public().exclude(commenter__email="regular@example.com").count() == 0
    assert sum(codes.values()) == 1000 and codes[429] > 900, codes
    assert set(codes) <= {302, 429}, codes
    page = Client().get(post.get_absolute_url()).content.decode()
    assert not any(t in page for t in texts)
    assert "Great post" not in page
    # what was stored is spam or held, each with a reason
    for c in Comment.objects.exclude(commenter__email="regular@example.com"):
        assert c.status in ("spam", "held") and c.reasons

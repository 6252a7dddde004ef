"""The fakes' own fixtures, for the tests of the fakes."""

from tests.web.fakes.fake_twilio import fake_twilio  # noqa: F401
from tests.web.fakes.smtp_sink import smtp_sink  # noqa: F401

"""The payments pages' personas (story.py: Léa, whose November debit her bank rejected) and the
card provider's API on loopback (tests/payments/test_cards.py)."""

from tests.payments.test_cards import cards, no_network, stripe_api  # noqa: F401

from .story import lea, rejected  # noqa: F401

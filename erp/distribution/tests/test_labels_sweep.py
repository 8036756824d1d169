"""Issue 26's sweep of distribution: refusals list the statuses' labels, not their codes; the
order line's "order" is a purchase order ("commande"), not a sort order ("ordre")."""

import pytest
from django.utils import translation

from erp.distribution import services
from erp.distribution.exceptions import OrderTransitionNotAllowed
from erp.distribution.models import OrderLine

pytestmark = pytest.mark.django_db


def test_a_refused_transition_lists_the_allowed_statuses_by_label(order, manager):
    with pytest.raises(OrderTransitionNotAllowed) as refusal:
        services.order_deliver(order=order, actor=manager)
    message = refusal.value.message
    assert "Confirmée, Refusée" in message
    assert "confirmed" not in message and "rejected" not in message
    assert refusal.value.extra["allowed"] == ["confirmed", "rejected"]  # the API keeps the codes


def test_the_order_lines_order_field_reads_commande_in_french():
    with translation.override("fr"):
        assert str(OrderLine._meta.get_field("order").verbose_name) == "commande"

"""Forms of the distributor portal: they parse and validate input; the rules are the services'."""

import django_filters
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from erp.core.admin.widgets import DatePickerInput
from erp.core.money import Currency, Money
from erp.distribution import selectors
from erp.distribution.models import OrderStatus

UNIT = "unit"  # the portal orders whole sale units (the product's name says what one holds)
MAX_QUANTITY = 9999


class PortalLoginForm(AuthenticationForm):
    """The admin's sign-in (e-mail and password, django-axes behind ``authenticate``), for the
    users who act for a distributor only: clinic staff are sent to the admin."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_distributor": _("This sign-in is for distributors. Clinic staff sign in to the administration."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if selectors.member_distributor_id(user) is None:
            raise forms.ValidationError(self.error_messages["not_distributor"], code="not_distributor")


class OrderForm(forms.Form):
    """A new order: the point of sale, the currency and one quantity per product of the catalogue."""

    point_of_sale = forms.ModelChoiceField(queryset=None, label=_("Point of sale"), empty_label=None)
    currency = forms.ChoiceField(choices=Currency.choices, label=_("Currency"), initial=Currency.EUR)

    def __init__(self, *args, user, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point_of_sale"].queryset = selectors.points_of_sale_for(user)
        self.products = list(products)
        for product in self.products:
            self.fields[self.quantity_field(product)] = forms.IntegerField(
                label=product.name, min_value=0, max_value=MAX_QUANTITY, required=False, initial=0,
            )

    @staticmethod
    def quantity_field(product) -> str:
        return f"qty_{product.pk}"

    def rows(self):
        """(product, its quantity field) in catalogue order, for the template."""
        return [(product, self[self.quantity_field(product)]) for product in self.products]

    def lines(self) -> list[tuple[object, int]]:
        return [
            (product, self.cleaned_data.get(self.quantity_field(product)) or 0)
            for product in self.products
            if self.cleaned_data.get(self.quantity_field(product))
        ]

    def currency_value(self) -> str:
        return self["currency"].value()

    def total(self) -> Money:
        """The total of the quantities typed so far (each line rounded, then summed, as the order will)."""
        currency = self.currency_value()
        total = Money.zero(currency)
        for product, field in self.rows():
            try:
                count = int(field.value() or 0)
            except (TypeError, ValueError):
                continue
            if 0 < count <= MAX_QUANTITY and product.currency == currency:
                total = total + Money(product.unit_price_excl_tax, product.currency).times(count)
        return total

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Add at least one product."), code="no_lines")
        return cleaned


class OrderHistoryFilter(django_filters.FilterSet):
    """The history's filters: status, point of sale, and the day the order was placed (local time)."""

    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"), empty_label=_("All"))
    point_of_sale = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.points_of_sale_for(request.user), label=_("Point of sale"),
        empty_label=_("All"),
    )
    created_from = django_filters.DateFilter(
        field_name="created_on_utc", lookup_expr="date__gte", label=_("From"),
        widget=DatePickerInput(),
    )
    created_to = django_filters.DateFilter(
        field_name="created_on_utc", lookup_expr="date__lte", label=_("To"),
        widget=DatePickerInput(),
    )

"""The panels of the admin's home, one set per role (``wagtail_hooks`` picks them for the user).

Each panel reads what it shows through ``selectors`` (one or two queries each) when it is rendered,
and says so in words when there is nothing to show."""

from __future__ import annotations

from datetime import timedelta

from django.middleware.csrf import get_token
from django.utils import timezone
from wagtail.admin.ui.components import Component

from erp.clinical.models import AppointmentStatus
from erp.core import access
from erp.core.models import Practitioner
from erp.workspace import selectors

ADMIN, RECEPTION, PRACTITIONER = access.ADMIN, access.RECEPTION, access.PRACTITIONER
ACCOUNTING, MARKETING = access.ACCOUNTING, access.MARKETING


class DashboardPanel(Component):
    """A panel of the home: shown to the roles it names, to users holding its permission."""

    name = ""
    roles: frozenset[str] = frozenset()
    permission = ""

    class Media:
        css = {"all": ["workspace/dashboard.css"]}

    def __init__(self, request):
        self.request = request

    @classmethod
    def shown_to(cls, user, user_roles: frozenset[str]) -> bool:
        return bool(cls.roles & user_roles) and (not cls.permission or user.has_perm(cls.permission))

    def get_context_data(self, parent_context=None):
        # A component renders its template without the request: the forms' CSRF token is passed in.
        return {
            "request": self.request,
            "user": self.request.user,
            "panel": self,
            "csrf_token": get_token(self.request),
        }


class ReceptionPanel(DashboardPanel):
    """The front desk's day: big buttons, a patient search, today's appointments per location with
    their status buttons, who has arrived, the sales left unpaid at the till."""

    name = "reception"
    order = 10
    roles = frozenset({ADMIN, RECEPTION})
    permission = "clinical.view_appointment"
    template_name = "workspace/panels/reception.html"

    def get_context_data(self, parent_context=None):
        user = self.request.user
        now = timezone.now()
        days = selectors.appointments_today_by_location(now=now)
        for day in days:
            for appointment in day.appointments:
                appointment.actions = self._actions(appointment, user, now)
        arrivals = [a for day in days for a in day.appointments if a.status == AppointmentStatus.ATTENDED]
        return {
            **super().get_context_data(parent_context),
            "days": days,
            "arrivals": arrivals,
            "drafts": selectors.sales_draft() if user.has_perm("commerce.view_sale") else None,
            **LeadsPanel.leads_context(user),
            "can_add_patient": user.has_perm("clinical.add_patient"),
            "can_book": user.has_perm("clinical.add_appointment"),
            "can_sell": user.has_perm("commerce.add_sale"),
            "can_search": user.has_perm("clinical.view_patient"),
            "next": self.request.get_full_path(),
        }

    @staticmethod
    def _actions(appointment, user, now) -> list[tuple[str, str, str]]:
        """The one-click status changes this user may make: (operation, label, style)."""
        from django.utils.translation import gettext as _

        status, actions = appointment.status, []
        if status == AppointmentStatus.SCHEDULED and user.has_perm("clinical.confirm_appointment"):
            actions.append(("confirm", _("Confirm"), "button-secondary"))
        if status == AppointmentStatus.CONFIRMED and user.has_perm("clinical.attend_appointment"):
            actions.append(("attend", _("Arrived"), ""))
        if (
            status in (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
            and appointment.scheduled_start <= now
            and user.has_perm("clinical.no_show_appointment")
        ):
            actions.append(("no_show", _("No-show"), "button-secondary no"))
        return actions


class LeadsPanel(DashboardPanel):
    """New messages from the website, for marketing; the front desk has them in its own panel's
    side column (in sight without scrolling)."""

    name = "leads"
    order = 50
    roles = frozenset({ADMIN, RECEPTION, MARKETING})
    permission = "website.view_publiclead"
    template_name = "workspace/panels/leads.html"

    @classmethod
    def shown_to(cls, user, user_roles):
        return super().shown_to(user, user_roles) and not ReceptionPanel.shown_to(user, user_roles)

    @classmethod
    def leads_context(cls, user) -> dict:
        if not user.has_perm(cls.permission):
            return {"leads": None}
        leads, count = selectors.leads_new()
        return {"leads": leads, "count": count}

    def get_context_data(self, parent_context=None):
        return {**super().get_context_data(parent_context), **self.leads_context(self.request.user)}


class PractitionerPanel(DashboardPanel):
    """The practitioner's day, the encounters left in draft, photos still without a thumbnail."""

    name = "practitioner"
    order = 15
    roles = frozenset({ADMIN, PRACTITIONER})
    permission = "clinical.view_appointment"
    template_name = "workspace/panels/practitioner.html"

    @classmethod
    def shown_to(cls, user, user_roles):
        if not super().shown_to(user, user_roles):
            return False
        # An admin without a practitioner profile has no day of their own to show.
        return PRACTITIONER in user_roles or Practitioner.objects.filter(user=user).exists()

    def get_context_data(self, parent_context=None):
        user = self.request.user
        practitioner = Practitioner.objects.filter(user=user).first()
        context = {**super().get_context_data(parent_context), "practitioner": practitioner}
        if practitioner is not None:
            context["appointments"] = selectors.appointments_today(practitioner=practitioner)
            if user.has_perm("clinical.view_encounter"):
                context["encounters"] = selectors.encounters_draft(practitioner=practitioner)
        if user.has_perm("clinical.view_clinicalphoto"):
            context["photos"] = selectors.photos_without_thumbnail()
        return context


class AccountingPanel(DashboardPanel):
    """Today's takings per payment method with the card fees, the days not closed yet, the last
    credit notes."""

    name = "accounting"
    order = 30
    roles = frozenset({ADMIN, ACCOUNTING})
    permission = "commerce.view_payment"
    template_name = "workspace/panels/accounting.html"

    def get_context_data(self, parent_context=None):
        user = self.request.user
        today = timezone.localdate()
        return {
            **super().get_context_data(parent_context),
            "today": today,
            "takings": selectors.takings_on(today),
            "unclosed": selectors.days_not_closed(today=today),
            "can_close": user.has_perm("commerce.close_fiscal_period"),
            "credit_notes": selectors.credit_notes_recent(since=today - timedelta(days=7))
            if user.has_perm("commerce.view_creditnote")
            else None,
        }


class MarketingPanel(DashboardPanel):
    """Translations out of date, pages and Instagram posts scheduled for later."""

    name = "marketing"
    order = 40
    roles = frozenset({ADMIN, MARKETING})
    template_name = "workspace/panels/marketing.html"

    @classmethod
    def shown_to(cls, user, user_roles):
        from wagtail.admin.auth import user_has_any_page_permission

        return bool(cls.roles & user_roles) and user_has_any_page_permission(user)

    def get_context_data(self, parent_context=None):
        user = self.request.user
        return {
            **super().get_context_data(parent_context),
            "outdated": selectors.translations_out_of_date(),
            "pages": selectors.pages_scheduled(),
            "posts": selectors.social_posts_scheduled() if user.has_perm("social.view_socialpost") else None,
        }


PANELS = (ReceptionPanel, PractitionerPanel, LeadsPanel, AccountingPanel, MarketingPanel)


def panels_for(request) -> list[DashboardPanel]:
    """The role panels of the signed-in user, each once even with several roles."""
    user = request.user
    user_roles = access.user_roles(user)
    return [panel(request) for panel in PANELS if panel.shown_to(user, user_roles)]

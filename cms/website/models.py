"""The public website (spec 000 §9) as Wagtail models, translated with wagtail-localize.

The spec's ``cms_*`` tables map to Wagtail as follows: ``cms_page`` is ``StandardPage``,
``cms_post`` is ``BlogIndexPage`` + ``BlogPostPage``, ``cms_service`` is ``ServiceIndexPage`` +
``ServicePage``, ``cms_staff_member`` is the ``StaffMember`` snippet shown on ``TeamPage``,
``cms_promotion`` is the ``Promotion`` snippet, ``website_settings`` is ``WebsiteSettings`` and
``marketing_media_asset`` is Wagtail's image (alt text in ``description``) and document models,
stored in the marketing bucket. The spec's (language, slug) uniqueness is Wagtail's locale +
translation key; ``status`` draft|published is Wagtail's ``live`` flag with revisions.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.routable_page.models import path as subpage_path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import DraftStateMixin, Page, RevisionMixin, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from erp.core.models import BaseModel, LanguageChoices, all_language_codes

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]
# Images are shared by every language; what they show is said in each page's language: each use
# of an image has its own alt text field, translated with the page (wagtail-localize segments).
ALT_HELP = _("What the picture shows, in this page's language (read aloud to blind visitors). "
             "Empty: the image's own description.")


def alt_field() -> models.CharField:
    return models.CharField(_("alternative text"), max_length=255, blank=True, default="", help_text=ALT_HELP)


# --- Site settings (website_settings) -----------------------------------------------------------



# --- Marketing media (spec §9 marketing_media_asset) --------------------------------------------
# Wagtail's image and document models, stored in the public marketing bucket (the default
# storage), with the language of the asset. The alt text of an image is Wagtail's own
# ``description`` field, required by the admin form (forms.MarketingImageForm). Permissions stay
# Wagtail's (wagtailimages.*_image, wagtaildocs.*_document).


class MarketingImage(AbstractImage):
    language = models.CharField(
        _("language"), max_length=2, choices=LanguageChoices.choices, blank=True, null=True,
        help_text=_("The language of the text in the image, if any."),
    )

    admin_form_fields = (*Image.admin_form_fields, "language")

    def find_existing_renditions(self, *filters):
        """Wagtail's lookup, with the renditions found in the cache marked as such. Wagtail marks only
        prefetched ones, so ``get_renditions`` wrote every cached rendition back to the cache (a
        pickle and a cache write per picture size: 36 on the home page). Same renditions."""
        if self._get_prefetched_renditions() is not None:
            return super().find_existing_renditions(*filters)
        Rendition = self.get_rendition_model()
        by_key = {Rendition.construct_cache_key(self, f.get_cache_key(self), f.spec): f for f in filters}
        found = {}
        for key, rendition in Rendition.cache_backend.get_many(list(by_key)).items():
            rendition.image = self  # as Wagtail does: this image's contextual alt text applies
            rendition._from_cache = True
            found[by_key[key]] = rendition
        missing = [f for f in filters if f not in found]
        if missing:
            found.update(super().find_existing_renditions(*missing))
        return found

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class MarketingRendition(AbstractRendition):
    image = models.ForeignKey(MarketingImage, on_delete=models.CASCADE, related_name="renditions")

    def __getstate__(self):
        """Kept in the cache without its image: every rendition read from the cache is given the
        image it was looked up for (``MarketingImage.find_existing_renditions``, as Wagtail does),
        so a pickled copy of the image only made each read slower (a second model instance and
        file to rebuild, 29 renditions on the home page)."""
        state = super().__getstate__()
        state["_state"].fields_cache.pop("image", None)
        return state

    @classproperty
    def cache_backend(cls):
        """Wagtail's choice (the "renditions" cache, else the default one), without raising and
        catching ``InvalidCacheBackendError`` at every picture when there is no "renditions" cache."""
        return caches["renditions" if "renditions" in settings.CACHES else DEFAULT_CACHE_ALIAS]

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class MarketingDocument(AbstractDocument):
    language = models.CharField(_("language"), max_length=2, choices=LanguageChoices.choices, blank=True, null=True)

    admin_form_fields = (*Document.admin_form_fields, "language")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHoursBlock(blocks.StructBlock):
    """One day's hours; stored as data so the site shows day names in the visitor's language."""

    weekday = blocks.ChoiceBlock(choices=Weekday.choices, label=_("day"))
    opens = blocks.TimeBlock(label=_("opens at"))
    closes = blocks.TimeBlock(label=_("closes at"))

    class Meta:
        icon = "time"
        label = _("opening hours")


@register_setting(icon="site")
class WebsiteSettings(BaseSiteSetting):
    """The clinic's public details, edited by marketing (one row per Wagtail site)."""

    clinic_name = models.CharField(_("clinic name"), max_length=200, default="Clinique")
    phone = models.CharField(_("phone"), max_length=40, blank=True, null=True)
    email = models.EmailField(_("email"), blank=True, null=True)
    address_line1 = models.CharField(_("address"), max_length=255, blank=True, null=True)
    city = models.CharField(_("city"), max_length=120, blank=True, null=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, null=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True, null=True)
    opening_hours = StreamField([("day", OpeningHoursBlock())], blank=True, null=True)
    default_language = models.CharField(
        _("default language"), max_length=2, choices=LanguageChoices.choices, default=LanguageChoices.FR
    )
    enabled_languages = models.JSONField(
        _("enabled languages"), default=all_language_codes,
        help_text=_("Language codes offered in the language switcher, e.g. [\"fr\", \"en\"]."),
    )
    instagram_url = models.URLField(_("Instagram URL"), blank=True, null=True)
    booking_url = models.URLField(
        _("online booking link"), blank=True, default="",
        help_text=_("The clinic's Calendly page: the header's booking button opens it. Empty: the button "
                    "opens the appointment request form of the contact page."),
    )

    panels = [
        FieldPanel("clinic_name"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("address_line1"),
             FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city"), FieldPanel("country_code")])],
            heading=_("Contact details"),
        ),
        FieldPanel("opening_hours"),
        FieldPanel("default_language"),
        FieldPanel("enabled_languages"),
        FieldPanel("instagram_url"),
        FieldPanel("booking_url"),
    ]

    class Meta:
        verbose_name = _("website settings")
        verbose_name_plural = _("website settings")

    @classmethod
    def for_site(cls, site):
        """Wagtail's ``for_site`` (a query on every request), kept in the cache; saving or deleting
        the settings drops them (``invalidation.settings_changed``)."""
        from cms.website.cache import SETTINGS_KEY, TIMEOUT, cache

        if site is None:
            return super().for_site(site)
        key = SETTINGS_KEY.format(site=site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, TIMEOUT)
        return instance

    def clean(self):
        from django.core.exceptions import ValidationError

        codes = self.enabled_languages
        if not isinstance(codes, list) or not codes or any(code not in LanguageChoices.values for code in codes):
            raise ValidationError(
                {"enabled_languages": _("Give a list of language codes among fr, en, ru, uk, hy, es.")}
            )
        if self.default_language not in codes:
            raise ValidationError(
                {"default_language": _("The default language must be one of the enabled languages.")}
            )


# --- Shared page parts --------------------------------------------------------------------------


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        required=False, label=_("alternative text"), help_text=ALT_HELP,
    )
    caption = blocks.CharBlock(required=False, label=_("caption"))

    class Meta:
        icon = "image"
        template = "website/blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    author = blocks.CharBlock(required=False, label=_("author"))

    class Meta:
        icon = "openquote"
        template = "website/blocks/quote_block.html"


class FaqBlock(blocks.StructBlock):
    """A question and its answer (several paragraphs if needed)."""

    question = blocks.CharBlock(label=_("question"))
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("answer"))

    class Meta:
        icon = "help"
        label = _("question")


def body_blocks():
    return [
        ("heading", blocks.CharBlock(form_classname="title", template="website/blocks/heading_block.html")),
        ("paragraph", blocks.RichTextBlock(features=RICH_TEXT_FEATURES)),
        ("image", ImageBlock()),
        ("quote", QuoteBlock()),
    ]


class SitePage(Page):
    """Base of every public page: Open Graph image and the rule that a language's URL only
    shows that language's content (an untranslated alias of another locale is a 404)."""

    og_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("Open Graph image"), help_text=_("Shown when the page is shared (1200×630)."),
    )

    promote_panels = [*Page.promote_panels, FieldPanel("og_image")]

    class Meta:
        abstract = True

    @property
    def meta_description(self) -> str:
        """The search engines' description: the page's own, else its summary, excerpt or introduction."""
        for name in ("search_description", "summary", "excerpt", "introduction", "hero_text"):
            text = getattr(self, name, None)
            if text:
                return text
        return ""

    def _share_image_field(self) -> str | None:
        return next(
            (name for name in ("og_image", "cover_image", "hero_image", "image") if getattr(self, name, None)), None
        )

    @property
    def share_image(self):
        """The image shown when the page is shared: its Open Graph image or its main picture."""
        name = self._share_image_field()
        return getattr(self, name) if name else None

    @property
    def share_image_alt(self) -> str:
        """What the shared image shows, in the page's language (its alt text where it has one)."""
        name = self._share_image_field()
        if name is None:
            return ""
        return getattr(self, f"{name}_alt", "") or getattr(self, name).default_alt_text

    @classmethod
    def image_fields(cls) -> list[str]:
        """The page's picture fields (loaded with the page when it is served)."""
        return [
            field.name
            for field in cls._meta.concrete_fields
            if field.is_relation and field.related_model is MarketingImage
        ]

    def serve(self, request, *args, **kwargs):
        if not is_shown_in_its_language(self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from cms.website.cache import page_cache_generation

        context = super().get_context(request, *args, **kwargs)
        context["cache_generation"] = page_cache_generation(self)
        return context


def is_shown_in_its_language(page: Page) -> bool:
    """True when ``page`` really is content of the active language (not an alias of a source)."""
    from cms.website.cache import locale_id

    if page.locale_id != locale_id(translation.get_language()):
        return False
    if page.alias_of_id is not None:
        source_locale_id = Page.objects.filter(pk=page.alias_of_id).values_list("locale_id", flat=True).first()
        if source_locale_id != page.locale_id:
            return False
    return True


def localized_version(page_id: int | None) -> Page | None:
    """The live version in the active language of the page ``page_id`` (itself when it has none
    there), in one query: what ``page.localized`` gives, without loading the page first."""
    from cms.website.cache import locale_id

    if page_id is None:
        return None
    versions = Page.objects.filter(
        translation_key__in=Page.objects.filter(pk=page_id).values("translation_key")
    ).filter(models.Q(locale_id=locale_id(translation.get_language()), live=True) | models.Q(pk=page_id))
    found = {page.pk == page_id: page for page in versions}
    return found.get(False) or found.get(True)


def localized_page(page: Page | None, locale_pk: int) -> Page | None:
    """``localized_version`` of a page already loaded, in the locale ``locale_pk`` (the home page's:
    the active language's when it is served): itself, without a query, when it is in that locale
    (a locale holds one version of a page), else found by its translation key."""
    if page is None or page.locale_id == locale_pk:
        return page
    found = Page.objects.filter(translation_key=page.translation_key, locale_id=locale_pk, live=True).order_by()[:1]
    return next(iter(found), page)


# What a card's picture reads of its image: the file and its size, what the renditions are looked
# up by (the file's hash and the focal point) and the alt text (description, else title).
CARD_IMAGE_FIELDS = (
    "file", "width", "height", "file_hash", "description", "title",
    "focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height",
)


def localized_children(page: Page, model):
    """Live, real (non-alias) children of ``page`` of the given type."""
    from cms.website.cache import public

    return public(model.objects.child_of(page).live()).filter(alias_of__isnull=True)


# --- Home, standard pages, contact --------------------------------------------------------------


class HomePage(SitePage):
    """The root of each language's site: ``/fr/``, ``/en/``, ..."""

    hero_title = models.CharField(_("hero title"), max_length=200, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("hero image"),
    )
    hero_image_alt = alt_field()
    body = StreamField(body_blocks(), blank=True)

    content_panels = [
        *Page.content_panels, FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image"),
        FieldPanel("hero_image_alt"), FieldPanel("body"),
    ]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def _cards(self, model, fields: tuple[str, ...], image: str, **filters):
        """Live, public, non-alias pages of ``model`` below this page (and ``filters``), with the
        card's ``fields`` and its picture's ``image``: only the image columns a picture reads (its file, its rendition
        cache key, its alt text), not every column of the page or the image. Below this page is
        written as Wagtail's ``descendant_of`` means it, a deeper tree path under its path
        (fewer clauses to build on every render)."""
        from cms.website.cache import public

        return (
            public(model.objects.filter(
                path__startswith=self.path, depth__gt=self.depth, live=True, alias_of__isnull=True, **filters
            ))
            .select_related(image).only("title", "url_path", *fields, *(f"{image}__{f}" for f in CARD_IMAGE_FIELDS))
        )

    def featured_services(self):
        """The service cards of the home page."""
        return (
            self._cards(ServicePage, ("summary", "price_hint", "image_alt"), "image", featured=True)
            .order_by("order_index", "title")[:6]
        )

    def latest_posts(self):
        """The article cards of the home page."""
        return (
            self._cards(BlogPostPage, ("excerpt", "publication_date", "cover_image_alt"), "cover_image")
            .order_by("-publication_date", "-first_published_at")[:3]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):  # editors see the database as it is
            promotion = Promotion.current(self.locale_id)
            link = localized_page(promotion.link_page, self.locale_id) if promotion else None
        else:
            from cms.website.cache import current_promotion

            promotion, link = current_promotion(self.locale_id)
        context["promotion"], context["promotion_link"] = promotion, link
        if promotion is not None:
            from cms.website.cache import section_of

            index = section_of(self, PromotionIndexPage)
            if index is not None:
                context["promotion_url"] = f"{index.get_url(request)}{promotion.slug}/"
        return context


class StandardPage(SitePage):
    """cms_page: free content with a StreamField body (about, legal notice, ...)."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(body_blocks(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class ContactPage(SitePage):
    """The clinic's details, opening hours, and the contact and appointment request forms."""

    introduction = models.TextField(_("introduction"), blank=True)
    thank_you_text = models.CharField(_("thank-you text"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("thank_you_text")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")

    def get_context(self, request, *args, **kwargs):
        from cms.website.forms import AppointmentRequestForm, ContactForm

        context = super().get_context(request, *args, **kwargs)
        context.setdefault("contact_form", ContactForm(auto_id="contact_%s"))
        context.setdefault("appointment_form", AppointmentRequestForm(auto_id="appointment_%s"))
        return context


# --- Services (cms_service) ---------------------------------------------------------------------


class ServiceIndexPage(SitePage):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["website.ServicePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("services index")
        verbose_name_plural = _("services indexes")

    def services(self):
        return localized_children(self, ServicePage).order_by("order_index", "title")


class ServicePage(SitePage):
    """One treatment or consultation; the spec's ``name`` is the page title."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = RichTextField(_("description"), features=RICH_TEXT_FEATURES, blank=True)
    indications = RichTextField(
        _("indications"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Who the treatment is for: the conditions it treats, and when it is not advised."),
    )
    procedure = RichTextField(
        _("how it goes"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("The visit step by step: before, during, after, how many sessions."),
    )
    price_hint = models.CharField(_("price hint"), max_length=120, blank=True, null=True)
    faq = StreamField([("question", FaqBlock())], blank=True, verbose_name=_("frequently asked questions"))
    order_index = models.IntegerField(_("order"), default=0)
    featured = models.BooleanField(_("featured on the home page"), default=False)
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("image"),
    )
    image_alt = alt_field()

    content_panels = [
        *Page.content_panels, FieldPanel("summary"), FieldPanel("description"), FieldPanel("indications"),
        FieldPanel("procedure"), FieldPanel("price_hint"), FieldPanel("faq"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Picture")),
        FieldRowPanel([FieldPanel("order_index"), FieldPanel("featured")]),
    ]
    search_fields = [
        *Page.search_fields, index.SearchField("summary"), index.SearchField("description"),
        index.SearchField("indications"), index.SearchField("procedure"),
    ]
    parent_page_types = ["website.ServiceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("service page")
        verbose_name_plural = _("service pages")


# --- Blog (cms_post) ----------------------------------------------------------------------------


class BlogIndexPage(SitePage):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["website.BlogPostPage"]
    max_count_per_parent = 1
    posts_per_page = 9

    class Meta:
        verbose_name = _("blog index")
        verbose_name_plural = _("blog indexes")

    def posts(self, tag: str | None = None):
        posts = localized_children(self, BlogPostPage).order_by("-publication_date", "-first_published_at")
        if tag:
            posts = posts.filter(tags__slug=tag)
        return posts

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag") or None
        paginator = Paginator(self.posts(tag), self.posts_per_page)
        try:
            posts = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            posts = paginator.page(1)
        except EmptyPage:
            posts = paginator.page(paginator.num_pages)
        context["posts"] = posts
        context["current_tag"] = tag
        context["all_tags"] = (
            BlogPostTag.objects.filter(content_object__in=self.posts()).values_list("tag__name", "tag__slug")
            .distinct().order_by("tag__name")
        )
        return context


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey("website.BlogPostPage", on_delete=models.CASCADE, related_name="tagged_items")


class BlogPostPage(SitePage):
    excerpt = models.TextField(_("excerpt"), blank=True, null=True)
    cover_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("cover image"),
    )
    cover_image_alt = alt_field()
    publication_date = models.DateField(_("publication date"), default=timezone.localdate)
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True)
    body = StreamField(body_blocks(), blank=True)

    content_panels = [
        *Page.content_panels, FieldPanel("excerpt"), FieldPanel("cover_image"), FieldPanel("cover_image_alt"),
        FieldPanel("publication_date"),
        FieldPanel("tags"), FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("excerpt"), index.SearchField("body")]
    parent_page_types = ["website.BlogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")


# --- Team (cms_staff_member) --------------------------------------------------------------------


class StaffMember(DraftStateMixin, RevisionMixin, TranslatableMixin, models.Model):
    """A translatable snippet with draft/publish; ``live`` is the spec's status=published."""

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    bio = models.TextField(_("bio"), blank=True, null=True)
    photo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("photo"),
    )
    photo_alt = alt_field()
    is_physician = models.BooleanField(
        _("physician"), default=False, help_text=_("A doctor: described as a physician to search engines."),
    )
    order_index = models.IntegerField(_("order"), default=0)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="staff_member")

    panels = [
        FieldPanel("name"), FieldPanel("role"), FieldPanel("bio"), FieldPanel("photo"), FieldPanel("photo_alt"),
        FieldPanel("is_physician"), FieldPanel("order_index"),
    ]
    # The photo, the profession and the order are the same person's in every language.
    override_translatable_fields = [
        SynchronizedField("photo"), SynchronizedField("is_physician", overridable=False),
        SynchronizedField("order_index", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["order_index", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions


class TeamPage(SitePage):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("team page")
        verbose_name_plural = _("team pages")

    def members(self):
        return StaffMember.objects.filter(locale=self.locale, live=True).order_by("order_index", "name")


# --- Promotions (cms_promotion) -----------------------------------------------------------------


class Promotion(DraftStateMixin, RevisionMixin, TranslatableMixin, models.Model):
    """One promotion in every language: one translation key, a row per language made with
    wagtail-localize. Its title, text and alt text are translated; its address (slug), its dates,
    its linked page and its picture are the original's in every language (synchronised fields,
    not editable in a translation; ``services.promotion_schedule_share`` copies them to every
    language when any version is published). Shown on its language's home page and promotions
    page while live and inside [starts_at, ends_at)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80,
        help_text=_("The end of the promotion's address, the same in every language (e.g. screening-month)."),
    )
    content = RichTextField(_("content"), features=["bold", "italic", "link"], blank=True)
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("image"),
    )
    image_alt = alt_field()
    link_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("link to page"),
    )
    starts_at = models.DateTimeField(_("starts at"), blank=True, null=True)
    ends_at = models.DateTimeField(_("ends at"), blank=True, null=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="promotion")

    panels = [
        FieldPanel("title"), FieldPanel("slug"), FieldPanel("content"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Picture")),
        FieldPanel("link_page"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
    ]
    # What every language shares (see the docstring); the link stays the original's page, each
    # language's site shows that page's version in its own language (``localized_page``).
    SHARED_FIELDS = ("slug", "starts_at", "ends_at", "link_page", "image")
    override_translatable_fields = [SynchronizedField(name, overridable=False) for name in SHARED_FIELDS]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True) | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="website_promotion_ends_after_start",
            ),
            models.UniqueConstraint(fields=["locale", "slug"], name="website_promotion_slug_per_language"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def is_running(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.live
            and (self.starts_at is None or self.starts_at <= at)
            and (self.ends_at is None or at < self.ends_at)
        )

    def original(self) -> "Promotion":
        """The version the others were translated from: the first one made (the lowest id)."""
        return Promotion.objects.filter(translation_key=self.translation_key).order_by("pk").first() or self

    @classmethod
    def not_ended(cls, locale, at):
        """The live promotions of ``locale`` not ended at ``at``, the latest started first."""
        return (
            cls.objects.filter(locale=locale, live=True)
            # The linked page with what its URL and its translations need (its other columns unread).
            .select_related("link_page", "image")
            .only(*PROMOTION_FIELDS, "link_page__url_path", "link_page__locale", "link_page__translation_key",
                  *(f"image__{f}" for f in CARD_IMAGE_FIELDS))
            .filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=at))
            .order_by(models.F("starts_at").desc(nulls_last=True), "-pk")
        )

    @classmethod
    def current(cls, locale, at=None) -> "Promotion | None":
        """The live promotion of ``locale`` whose window contains ``at`` (the latest started)."""
        at = at or timezone.now()
        return cls.not_ended(locale, at).filter(models.Q(starts_at__isnull=True) | models.Q(starts_at__lte=at)).first()


class PromotionIndexPage(RoutablePageMixin, SitePage):
    """The promotions of its language: those running, then those announced; each has its own page
    below this one (``<index>/<promotion slug>/``). Ended or unpublished promotions are not found."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("promotions page")
        verbose_name_plural = _("promotions pages")

    def promotions(self, at=None) -> list[tuple]:
        """``(promotion, link)`` of this language's promotions not ended, running ones first."""
        from cms.website.cache import promotions_of

        at = at or timezone.now()
        found = promotions_of(self.locale_id)
        return [item for item in found if item[0].is_running(at)] + [
            item for item in found if not item[0].is_running(at)
        ]

    def serve(self, request, view=None, args=None, kwargs=None):
        # A promotion's own page is served by its view, not through SitePage.serve: the same rule.
        if not is_shown_in_its_language(self):
            raise Http404
        return super().serve(request, view, args, kwargs)

    @subpage_path("")
    def index_route(self, request):
        return self.render(request, context_overrides={"promotions": self.promotions()})

    @subpage_path("<slug:slug>/")
    def promotion_route(self, request, slug):
        found = next(((p, link) for p, link in self.promotions() if p.slug == slug), None)
        if found is None:
            raise Http404
        from cms.website.templatetags.website_tags import page_translations

        promotion, link = found
        suffix = self.reverse_subpage("promotion_route", args=[slug])
        url = f"{self.get_full_url(request)}{suffix}"
        # The same promotion in the other languages: same slug, under each language's index.
        languages = set(
            Promotion.objects.filter(translation_key=promotion.translation_key, live=True)
            .values_list("locale__language_code", flat=True)
        )
        alternates = [
            {**link_, "url": f"{link_['url']}{suffix}", "full_url": f"{link_['full_url']}{suffix}"}
            for link_ in page_translations(self, request) if link_["code"] in languages
        ]
        return self.render(
            request, template="website/promotion_page.html",
            context_overrides={
                "promotion": promotion, "promotion_link": link, "canonical_url": url,
                "page_language_links": alternates, "breadcrumb_extra": (promotion.title, url),
            },
        )


PROMOTION_FIELDS = [field.name for field in Promotion._meta.concrete_fields]


# --- Leads (public_lead) ------------------------------------------------------------------------


class PublicLead(BaseModel):
    """A message left on the public site. Suspected spam is kept with status ``spam``, never dropped."""

    class Type(models.TextChoices):
        CONTACT = "contact", _("Contact")
        APPOINTMENT_REQUEST = "appointment_request", _("Appointment request")
        NEWSLETTER = "newsletter", _("Newsletter")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        HANDLED = "handled", _("Handled")
        SPAM = "spam", _("Spam")

    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    name = models.CharField(_("name"), max_length=200, blank=True, null=True)
    email = models.EmailField(_("email"), blank=True, null=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, null=True)
    message = models.TextField(_("message"), blank=True, null=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=LanguageChoices.choices, blank=True, null=True
    )
    country_code = models.CharField(_("country code"), max_length=2, blank=True, null=True)
    source = models.CharField(_("source"), max_length=100, default="website")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    # Beyond the spec: why a lead was marked spam, where it came from, and the newsletter consent given.
    spam_reason = models.CharField(_("spam reason"), max_length=100, blank=True)
    page_url = models.CharField(_("page"), max_length=500, blank=True)
    newsletter_consent = models.BooleanField(_("newsletter consent"), default=False)
    consent_text = models.TextField(_("consent wording"), blank=True)
    consent_at = models.DateTimeField(_("consent given at"), blank=True, null=True)
    handled_at = models.DateTimeField(_("handled at"), blank=True, null=True)
    # The patient record reception made from this lead (public_lead_convert_to_patient).
    patient = models.ForeignKey(
        "clinical.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("patient"), editable=False,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_column="handled_by_user_id", verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("public lead")
        verbose_name_plural = _("public leads")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="website_lead_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(type="newsletter") | models.Q(newsletter_consent=True),
                name="website_lead_newsletter_needs_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(newsletter_consent=False) | models.Q(consent_at__isnull=False),
                name="website_lead_consent_is_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} – {self.name or self.email or self.phone or '?'}"

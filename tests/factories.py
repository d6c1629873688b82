"""factory_boy factories for the domain (no fixture files)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from minsheng.accounts.models import Profile
from minsheng.catalog.models import Category, Provider, Service, ServiceAttribute, UrgencyClass
from minsheng.regions.models import Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:05d}")
    name_zh = factory.Sequence(lambda n: f"地区{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    level = Region.Level.VILLAGE
    kind = Region.Kind.RURAL
    population = 1000
    latitude = 30.0
    longitude = 110.0


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role: str, region: Region | None = None, username: str | None = None, **kw):
    user = UserFactory(**({"username": username} if username else {}), **kw)
    Profile.objects.create(user=user, role=role, region=region, display_name=user.username)
    return user


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    name_zh = factory.Sequence(lambda n: f"服务队{n}")
    name_en = factory.Sequence(lambda n: f"Team {n}")
    kind = Provider.Kind.VOLUNTEER
    daily_capacity = 5
    latitude = 30.0
    longitude = 110.0

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.regions.set(extracted)

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.categories.set(extracted)

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.staff.set(extracted)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"svc-{n}")
    name_zh = factory.Sequence(lambda n: f"服务{n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
    category = factory.LazyFunction(lambda: Category.objects.get(code="elderly-care"))
    delivery_mode = Service.DeliveryMode.DOOR
    urgency = factory.LazyFunction(lambda: UrgencyClass.objects.get(code="general"))
    dispatch_mode = Service.DispatchMode.MANUAL
    published = True

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.regions.set(extracted)


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    code = factory.Sequence(lambda n: f"q{n}")
    label_zh = factory.Sequence(lambda n: f"问题{n}")
    label_en = factory.Sequence(lambda n: f"Question {n}")
    datatype = ServiceAttribute.Datatype.STRING
    required = False
    position = factory.Sequence(lambda n: n)

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from imo.orgs.models import Membership, Organization, Role
from imo.orgs.tests.factories import make_district, make_organization
from imo.reference.models import Subject


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_demo_fills_the_district_once_and_prints_every_role():
    # One district build, not two (it costs about a minute per database): the data `--reset` must throw away
    # is a small hand-made district rather than a first demo build. Both are a municipality with schools and
    # users, which is all the "once" check and the reset look at. Filling an empty database without
    # `--reset` is the same `_fill` (test_region_scale runs that path).
    stale = make_district()
    stale_school = "Школа не из демо"
    make_organization(parent=stale.municipality, name=f"МБОУ «{stale_school}»", short_name=stale_school)
    kept = _demo()
    assert "уже есть" in kept  # a municipality is there: the data is kept, nothing is filled
    assert Organization.objects.count() == 5

    output = _demo("--reset")
    assert "Данные удалены." in output
    assert not Organization.objects.filter(short_name=stale_school).exists()  # the old data is gone
    assert not get_user_model().objects.filter(username="nobody").exists()
    municipality = Organization.objects.get(kind=Organization.Kind.MUNICIPALITY)
    assert municipality.short_name == "Курчалоевский муниципальный район"
    assert Organization.objects.filter(parent=municipality).count() == 39
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for login in ("admin", "head", "methodist1", "methodist2", "secretary", "observer", "zam1", "teacher1"):
        assert login in output
    assert "imo-demo-2026" in output
    assert get_user_model().objects.get(username="head").check_password("imo-demo-2026")
    assert Subject.objects.exists()  # the seeded catalogues come back after a reset

    again = _demo()
    assert "уже есть" in again
    assert Organization.objects.count() == 41
    for login in ("admin", "head", "teacher1"):
        assert login in again  # the logins are printed on every run


# The region build takes about four minutes per database, the longest test by far. It runs on SQLite only:
# on PostgreSQL, `make bench` (bench/run.py) builds region scale with this same command into `imo_bench`
# whenever the demo generator changes, and measures its pages on it, so a second region build in the
# PostgreSQL test run proves nothing the bench does not, for four more minutes of CI.
@pytest.mark.django_db(transaction=True)
def test_region_scale():
    if connection.vendor != "sqlite":
        pytest.skip("region scale is built on PostgreSQL by `make bench` (see the comment above)")
    _demo("--scale", "region", "--seed", "7")
    assert Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).count() == 17
    assert 450 <= Organization.objects.filter(parent__kind=Organization.Kind.MUNICIPALITY).count() <= 550
    heads = Membership.objects.filter(role=Role.HEAD).count()
    assert heads == 17
    from imo.staff.models import Educator

    assert 24_000 <= Educator.objects.count() <= 26_000  # issue #4: ~25,000 educators at region scale


@pytest.mark.django_db
def test_createadmin_without_questions(monkeypatch):
    monkeypatch.setenv("IMO_ADMIN_PASSWORD", "Надёжный-пароль-2026")
    region = Organization.objects.create(
        kind=Organization.Kind.REGION, name="ЧР", short_name="ЧР", path="000001/"
    )
    call_command(
        "createadmin", "--username", "root", "--email", "root@example.ru", "--no-input", stdout=io.StringIO()
    )
    user = get_user_model().objects.get(username="root")
    assert user.is_superuser and user.check_password("Надёжный-пароль-2026")
    assert Membership.objects.filter(user=user, organization=region, role=Role.ADMIN).exists()

import pytest

from imo.core.collation import russian
from imo.orgs.models import Organization
from imo.orgs.tests.factories import make_organization


@pytest.mark.django_db
def test_russian_order_on_the_database_puts_yo_beside_ye():
    for name in ["Ёлочка", "Яблонька", "Абрикос", "елка", "Жемчужина", "Еланка"]:
        make_organization(short_name=name, name=name, kind=Organization.Kind.KINDERGARTEN)
    names = list(
        Organization.objects.order_by(russian("short_name"), "pk").values_list("short_name", flat=True)
    )
    assert names.index("Абрикос") < names.index("Еланка") < names.index("елка")
    assert names.index("елка") < names.index("Ёлочка") < names.index("Жемчужина") < names.index("Яблонька")


@pytest.mark.django_db
def test_numero_sign_sorts_the_same_on_both_databases():
    for name in ["СОШ № 2", "СОШ с. Бельты", "СОШ № 1", "СОШ г. Курчалой"]:
        make_organization(short_name=name, name=name)
    names = list(
        Organization.objects.filter(short_name__startswith="СОШ")
        .order_by(russian("short_name"), "pk")
        .values_list("short_name", flat=True)
    )
    assert names == ["СОШ № 1", "СОШ № 2", "СОШ г. Курчалой", "СОШ с. Бельты"]

from __future__ import annotations

import factory

from imo.accounts.models import User

PASSWORD = "Пароль-для-тестов-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.ru")
    last_name = "Магомадов"
    first_name = "Ахмед"
    patronymic = "Русланович"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def search(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        obj.refresh_search_text()
        if create:
            obj.save(update_fields=["search_text"])

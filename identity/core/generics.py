"""Django base classes that django-stubs declares generic in their model (``ModelAdmin[Client]``,
``ModelForm[Client]``) but that Django does not let be subscripted at run time.

``django_stubs_ext.monkeypatch()`` would patch Django's own classes for the whole process, which a
reusable app should not do to the project that installs it. These thin subclasses take the
subscript and return themselves; type checkers see Django's generic classes, so subclasses are
checked against their model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.forms import ModelForm
else:
    from django.contrib import admin
    from django.forms import models

    class ModelAdmin(admin.ModelAdmin):
        """``django.contrib.admin.ModelAdmin``; ``ModelAdmin[Model]`` is this class itself."""

        def __class_getitem__(cls, model: object) -> type:
            return cls

    class ModelForm(models.ModelForm):
        """``django.forms.ModelForm``; ``ModelForm[Model]`` is this class itself."""

        def __class_getitem__(cls, model: object) -> type:
            return cls


__all__ = ["ModelAdmin", "ModelForm"]

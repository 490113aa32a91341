"""Users, their role and their teams.

A salesperson belongs to one team; a sales manager manages one or more teams; finance and
admin see every customer.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALESPERSON = "salesperson", _("销售")
    MANAGER = "manager", _("销售经理")
    FINANCE = "finance", _("财务")
    ADMIN = "admin", _("管理员")


class Team(models.Model):
    name = models.CharField(_("团队"), max_length=100, unique=True)
    managers = models.ManyToManyField(
        "accounts.User", related_name="managed_teams", blank=True, verbose_name=_("经理")
    )

    class Meta:
        verbose_name = _("团队")
        verbose_name_plural = _("团队")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.SALESPERSON)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("团队")
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in (Role.FINANCE, Role.ADMIN)

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_finance(self) -> bool:
        return self.role == Role.FINANCE or self.role == Role.ADMIN or self.is_superuser

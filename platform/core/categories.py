"""The five fixed top-level categories of the catalogue; sub-categories live in ``catalogue``."""

from enum import StrEnum

from core.errors import N_


class TopCategory(StrEnum):
    INDUSTRY = "industry"
    TALENT = "talent"
    PUBLIC_SERVICES = "public_services"
    SPECIAL_GROUPS = "special_groups"
    CONSUMPTION = "consumption"

    @property
    def label(self) -> str:
        """A gettext id; pages translate it (产业, 人才, 公共服务, 特殊困难群体, 消费帮扶)."""
        return _LABELS[self]


_LABELS = {
    TopCategory.INDUSTRY: N_("Industry"),
    TopCategory.TALENT: N_("Talent"),
    TopCategory.PUBLIC_SERVICES: N_("Public services"),
    TopCategory.SPECIAL_GROUPS: N_("Special-hardship groups"),
    TopCategory.CONSUMPTION: N_("Consumption assistance"),
}

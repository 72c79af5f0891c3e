"""Component `zz_orgs` (organizations), a package: the component and its
data in :mod:`.component`, the head grammar in :mod:`.heads`, the other
patterns in :mod:`.patterns`, the tests on names both use in :mod:`.names`."""

from .component import Orgs, make_orgs

__all__ = ["Orgs", "make_orgs"]

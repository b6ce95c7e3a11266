"""Who sees what: the one scoping function for enterprise-owned data (DESIGN.md "Users").

`enterprise_q(user, path)` is a Q filter; `Enterprise.objects.for_user(user)` and every other
app's `for_user` use it with the path to their enterprise. Out of scope → 404 (the object is simply
not in the queryset); in scope but not allowed to change → 403 (`require_*` raise PermissionDenied).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Role

SEES_ALL = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.LEADER}
BUREAU = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF}


@dataclass(frozen=True)
class Access:
    roles: frozenset
    region_ids: frozenset  # towns (and their sub-regions) a town officer covers
    enterprise_ids: frozenset  # enterprises an enterprise reporter files for

    @property
    def sees_all(self):
        return bool(self.roles & SEES_ALL)

    @property
    def is_admin(self):
        return Role.BUREAU_ADMIN in self.roles

    @property
    def is_bureau(self):
        return bool(self.roles & BUREAU)

    @property
    def is_town_officer(self):
        return Role.TOWN_OFFICER in self.roles

    @property
    def is_enterprise(self):
        return Role.ENTERPRISE in self.roles

    @property
    def is_leader(self):
        return Role.LEADER in self.roles

    @property
    def read_only(self):
        """Leaders (and users with no role) change nothing."""
        return not (self.is_bureau or self.is_town_officer or self.is_enterprise)

    @property
    def sees_personal_data(self):
        """Phone and ID numbers unmasked: for those who work with enterprises (not leaders, not no-role)."""
        return not self.read_only

    @property
    def home_role(self):
        for role in (Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.LEADER, Role.TOWN_OFFICER, Role.ENTERPRISE):
            if role in self.roles:
                return role
        return None

    @property
    def reads_analysis(self):
        """Bureau, leaders and town officers read the monitoring pages: dashboards, completeness, warnings, briefs."""
        return self.sees_all or self.is_town_officer

    @property
    def reviews_returns(self):
        """Bureau staff and town officers review returns (approve, send back; the bureau also accepts)."""
        return self.is_bureau or self.is_town_officer

    @property
    def files_returns(self):
        """An enterprise reporter with no wider role: their own enterprises' returns and nothing else."""
        return self.is_enterprise and not self.reads_analysis

    @property
    def handles_returns(self):
        """Fills, reviews or accepts returns (everyone but leaders and users with no role)."""
        return self.reviews_returns or self.is_enterprise

    @property
    def manages_projects(self):
        """Bureau staff and town officers run projects: create, edit, move stages."""
        return self.is_bureau or self.is_town_officer

    @property
    def follows_up_warnings(self):
        """Bureau staff and town officers (for their towns) follow up warnings."""
        return self.is_bureau or self.is_town_officer

    @property
    def sees_register(self):
        """Sees the register of enterprises (all, or a town's) rather than only their own enterprise."""
        return self.sees_all or self.is_town_officer

    @property
    def manages_registry(self):
        """Bureau staff add, edit and import enterprises."""
        return self.is_bureau

    @property
    def staffs_checkpoint(self):
        """Checks vehicles at a 卡口 (bureau staff and town officers; no separate inspector role)."""
        return self.is_bureau or self.is_town_officer

    @property
    def manages_users(self):
        """Creates users, grants and revokes roles, resets passwords (用户与授权): bureau admins."""
        return self.is_admin


NO_ACCESS = Access(frozenset(), frozenset(), frozenset())


def _ids(id_or_ids):
    return frozenset(id_or_ids) if isinstance(id_or_ids, (set, frozenset, list, tuple)) else frozenset({id_or_ids})


def town_scope(town_ids):
    """A scope without a user: one town's enterprises (or several towns'), as its officer sees them.
    The figures functions take it where they take a user (the warning rescan after returns changed)."""
    return Access(frozenset({Role.TOWN_OFFICER}), _ids(town_ids), frozenset())


def enterprise_scope(enterprise_ids):
    """A scope without a user: one enterprise (or several), as its reporter sees it (see `town_scope`)."""
    return Access(frozenset({Role.ENTERPRISE}), frozenset(), _ids(enterprise_ids))


def get_access(user):
    """The user's roles and scope, computed once per request (cached on the user object); an
    `Access` (`town_scope`) is its own scope."""
    if isinstance(user, Access):
        return user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_gongxin_access", None)
    if cached is not None:
        return cached
    from gongxin.registry.models import Region

    roles, regions, enterprises = set(), set(), set()
    for role, region_id, enterprise_id in user.memberships.values_list("role", "region_id", "enterprise_id"):
        roles.add(Role(role))
        if role == Role.TOWN_OFFICER and region_id:
            regions.add(region_id)
        if role == Role.ENTERPRISE and enterprise_id:
            enterprises.add(enterprise_id)
    if regions:
        regions = Region.objects.with_descendants(regions)
    access = Access(frozenset(roles), frozenset(regions), frozenset(enterprises))
    user._gongxin_access = access
    return access


def enterprise_q(user, path=""):
    """Q selecting the enterprise-owned rows `user` may see; `path` leads to the enterprise ("enterprise__")."""
    access = get_access(user)
    if access.sees_all:
        return Q()
    q = Q(pk__in=[])
    if access.region_ids:
        q |= Q(**{f"{path}town_id__in": access.region_ids})
    if access.enterprise_ids:
        q |= Q(**{f"{path}pk__in" if not path else f"{path}id__in": access.enterprise_ids})
    return q


def region_q(user, path=""):
    """Q selecting regions (towns) `user` may see."""
    access = get_access(user)
    if access.sees_all:
        return Q()
    if access.region_ids:
        return Q(**{f"{path}pk__in" if not path else f"{path}id__in": access.region_ids})
    return Q(pk__in=[])


def require_bureau(user):
    if not get_access(user).is_bureau:
        raise PermissionDenied("仅工信局工作人员可以执行此操作")


def require_admin(user):
    if not get_access(user).is_admin:
        raise PermissionDenied("仅系统管理员可以执行此操作")

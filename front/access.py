"""Who may see and do what. Every view asks here, so each rule lives in one place.

Another partnership's objects are 404 (their existence is not revealed); a partnership's
own objects that the user's role may not touch are 403.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from actions.models import Action, ProgressUpdate
from plans import audit, permissions
from plans.models import Membership, Organisation, Partnership, Plan
from plans.permissions import Standing
from reporting.models import Meeting, StoredPack


@dataclass
class Access:
    """A signed-in user's standing in one partnership."""

    user: object
    membership: Membership
    request: object = field(default=None, repr=False)

    @property
    def partnership(self) -> Partnership:
        return self.membership.partnership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def can_edit(self) -> bool:
        """Business support staff edit plans, settings and the risk log."""
        return self.role == Membership.Role.STAFF

    @property
    def can_see_risks(self) -> bool:
        return self.role in (Membership.Role.STAFF, Membership.Role.BOARD)

    @cached_property
    def group_ids(self) -> set[int]:
        return set(self.membership.groups.values_list("pk", flat=True))

    def standing(self, plan: Plan) -> Standing:
        """The user's standing towards the plan, for the rules in plans.permissions."""
        chairs = self.role == Membership.Role.CHAIR and plan.group_id in self.group_ids
        return Standing(self.role, chairs_owning_group=chairs)

    def can_update_plan(self, plan: Plan) -> bool:
        """Whether the user may add progress updates to every action of the plan."""
        return permissions.may_update(self.standing(plan), leads_it=False)

    def can_review(self, plan: Plan) -> bool:
        return permissions.may_review(self.standing(plan))

    @property
    def is_reviewer(self) -> bool:
        """Whether some plan's updates may wait for this user's review."""
        return self.can_edit or (self.role == Membership.Role.CHAIR and bool(self.group_ids))

    def can_update(self, action) -> bool:
        """plans.permissions.may_update; whether the user leads the action (or one of its
        steps) is asked of the database only when the answer turns on it."""
        standing = self.standing(action.outcome.plan)
        if permissions.may_update(standing, leads_it=False):
            return True
        if not permissions.may_update(standing, leads_it=True):
            return False
        return (
            action.lead_people.filter(user=self.user).exists()
            or action.steps.live().filter(lead_people__user=self.user).exists()
        )

    def refuse(self, reason: str) -> PermissionDenied:
        """The 403 to raise, recorded in the audit log."""
        audit.permission_denied(self.request, partnership=self.partnership, reason=reason)
        return PermissionDenied(reason)

    def require_edit(self) -> None:
        if not self.can_edit:
            raise self.refuse("Only business support staff can change this.")

    def require_risks(self) -> None:
        if not self.can_see_risks:
            raise self.refuse("The risk log is for board members and business support staff.")

    def require_reviewer(self) -> None:
        if not self.is_reviewer:
            raise self.refuse(
                "Updates are reviewed by the chairs of the groups that own the plans, "
                "and by business support staff."
            )

    def chairs(self, group) -> bool:
        return self.role == Membership.Role.CHAIR and group.pk in self.group_ids

    def require_board_reader(self, group) -> None:
        """A meeting's board of updates: business support staff, and the group's chairs."""
        if not (self.can_edit or self.chairs(group)):
            raise self.refuse(
                f"The updates for a meeting are shown to business support staff and to the "
                f"chairs of {group.name}."
            )

    def require_audit(self) -> None:
        if not self.can_edit:
            raise self.refuse("The audit log is for business support staff.")


def access_for(request, slug: str) -> Access:
    """The user's access to the partnership with this slug; 404 if they are not a member."""
    membership = (
        Membership.objects.select_related("partnership")
        .filter(user=request.user, partnership__slug=slug)
        .first()
    )
    if membership is None:
        audit.not_a_member(request, slug=slug)
        raise Http404("No such partnership.")
    access = Access(user=request.user, membership=membership, request=request)
    request.mscp_access = access  # for a refusal's page (front.views.errors)
    return access


def plan_for_user(request, slug: str, pk: int, *, edit: bool = False) -> tuple[Access, Plan]:
    access = access_for(request, slug)
    plan = object_in_partnership(
        access,
        Plan.objects.select_related("group").live(),
        pk,
    )
    if edit:
        access.require_edit()
    return access, plan


def object_in_partnership(access: Access, queryset, pk: int):
    """Fetch pk from queryset only if it belongs to the user's partnership (else 404), by
    the path from its model to the partnership (partnership_path)."""
    partnership_path = queryset.model.partnership_path
    obj = queryset.filter(pk=pk, **{partnership_path: access.partnership}).first()
    if obj is None:
        audit.not_in_partnership(
            access.request,
            partnership=access.partnership,
            queryset=queryset,
            pk=pk,
            path=partnership_path,
        )
        raise Http404("Not found in this partnership.")
    return obj


def action_for_user(
    request, slug: str, pk: int, *, update: bool = False, edit: bool = False
) -> tuple[Access, Action]:
    access = access_for(request, slug)
    action = object_in_partnership(
        access,
        Action.objects.live().select_related("outcome__plan__group", "outcome__priority"),
        pk,
    )
    if edit:
        access.require_edit()
    if update and not access.can_update(action):
        raise access.refuse(
            "You can update the actions of plans your group owns, or that you lead."
        )
    return access, action


def update_for_review(request, slug: str, pk: int):
    """(access, progress update) for an update of a live action of the user's partnership
    that the user may review (404 elsewhere; 403 unless staff or a chair of the plan's
    group). Whether it still waits for a review is actions.review's to say."""
    access = access_for(request, slug)
    update = object_in_partnership(
        access,
        ProgressUpdate.objects.of_live_actions().select_related(
            "action__outcome__plan__group",
            "action__outcome__priority",
            "rating",
            "author",
            "reviewed_by",
        ),
        pk,
    )
    if not access.can_review(update.action.outcome.plan):
        raise access.refuse(
            "Updates are reviewed by the chair of the group that owns the plan, "
            "or by business support staff."
        )
    return access, update


def meeting_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """(access, meeting) for a meeting of a live group of the user's partnership."""
    access = access_for(request, slug)
    meeting = object_in_partnership(
        access,
        Meeting.objects.filter(group__deleted_at__isnull=True).select_related(
            "group__partnership", "locked_by"
        ),
        pk,
    )
    if edit:
        access.require_edit()
    return access, meeting


def stored_pack_for_user(request, slug: str, pk: int, *, content: bool = False):
    """(access, stored pack) for a pack of the user's partnership whose meeting's group or
    plan is still live. Any member may have it, as any member may download packs; content:
    load the file too (it is left in the database otherwise)."""
    access = access_for(request, slug)
    packs = StoredPack.objects.select_related(
        "partnership", "meeting__group", "plan__group", "agency"
    )
    packs = packs.filter(
        Q(meeting__isnull=True) | Q(meeting__group__deleted_at__isnull=True),
        Q(plan__isnull=True) | Q(plan__deleted_at__isnull=True),
    )
    stored = object_in_partnership(access, packs if content else packs.defer("content"), pk)
    return access, stored


def agency_for_user(request, slug: str, pk: int):
    """(access, agency) for an agency of the user's partnership; 404 for any other. Any
    member may read it, as they read the plans."""
    access = access_for(request, slug)
    agency = object_in_partnership(access, Organisation.objects.select_related("partnership"), pk)
    return access, agency

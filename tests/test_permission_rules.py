"""Who may update and whose updates wait for review (plans.permissions): pure rules, one
copy, that the request's access, the update form and the reminders all use."""

import pytest

from plans.permissions import Standing, may_review, may_update, needs_review

STAFF = Standing("staff")
CHAIR_OF_THE_OWNING_GROUP = Standing("chair", chairs_owning_group=True)
OTHER_CHAIR = Standing("chair")  # a chair of another group, or a named lead
BOARD = Standing("board")
NOT_A_MEMBER = Standing("")
SCRIPT = Standing(None)  # the demo loader, a management command


@pytest.mark.parametrize(
    "standing, leads_it, expected",
    [
        (STAFF, False, True),
        (CHAIR_OF_THE_OWNING_GROUP, False, True),
        (OTHER_CHAIR, False, False),
        (OTHER_CHAIR, True, True),  # the action's lead (or a step's) names them
        (BOARD, False, False),
        (BOARD, True, False),  # board members read, even when a lead names them
        (NOT_A_MEMBER, True, False),
    ],
)
def test_who_may_update(standing, leads_it, expected):
    assert may_update(standing, leads_it=leads_it) is expected


@pytest.mark.parametrize(
    "standing, reviews, waits",
    [
        (STAFF, True, False),
        (CHAIR_OF_THE_OWNING_GROUP, True, False),
        (OTHER_CHAIR, False, True),
        (BOARD, False, True),
        (NOT_A_MEMBER, False, True),
        (SCRIPT, False, False),  # trusted as staff are
    ],
)
def test_who_reviews_and_whose_updates_wait(standing, reviews, waits):
    assert may_review(standing) is reviews
    assert needs_review(standing) is waits

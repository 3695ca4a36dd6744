"""Organisers' pages for a theme's work team: the team itself, its members (added with a mail
that asks whether their name may be shown), its followers and, in team_update_views.py, the
updates to them. Organisers and admins manage every team, its contact account its own;
only admins see who the followers are."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.forms import ConfirmForm, accepted, render_form
from app.knowledge import team, team_updates
from app.knowledge.team_forms import MemberForm, WorkTeamForm

bp = Blueprint("work_teams_manage", __name__)


@bp.app_template_global()
def may_manage_work_teams() -> bool:
    """For the navigation: whether to show the way to /beheer/werkteams."""
    return current_user.is_authenticated and (
        current_user.may_organise or bool(team.teams_for(current_user))
    )


@bp.route("/beheer/werkteams")
@login_required  # each view asks whether this account may manage the team at hand
def index():
    teams = team.teams_for(current_user)
    if not teams and not current_user.may_organise:
        raise NotAllowed()  # an account that is no team's contact has no business here
    return render_template("knowledge/team/manage/index.html", teams=teams)


@bp.route("/beheer/themas/<slug>/werkteam", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    theme, found = team.managed_theme(current_user, slug)
    may_choose = current_user.may_organise
    form = WorkTeamForm(obj=found, candidates=team.contact_candidates() if may_choose else (),
                        may_choose_contact=may_choose)  # fmt: skip
    field = "contact_user_id" if may_choose else "description"  # where a refusal is shown
    if form.validate_on_submit() and accepted(
        form, field, lambda: team.save_team(theme, form.details(), may_choose_contact=may_choose)
    ):
        db.session.commit()
        flash(_("Het werkteam is opgeslagen en staat op de themapagina."), "success")
        return redirect(url_for(".edit", slug=theme.slug))
    return render_form("knowledge/team/manage/edit.html", form, theme=theme, team=found,
                       counts=_counts(theme) if found else None)  # fmt: skip


def _counts(theme) -> dict[str, int]:
    rows = team.members(theme)
    return {
        "members": len(rows),
        "shown": sum(row.state == "shown" for row in rows),
        "followers": team_updates.follower_count(theme),
        "awaiting": team_updates.awaiting_count(theme),
    }


@bp.route("/beheer/themas/<slug>/werkteam/leden", methods=["GET", "POST"])
@login_required
def members(slug: str):
    found = team.managed_team(current_user, slug)
    theme = found.theme
    form = MemberForm()
    added = []

    def add():
        added.append(team.add_member(theme, form.details(), by=current_user))

    if form.validate_on_submit() and accepted(form, "email", add):
        db.session.commit()
        member, asked = added[0]
        if asked:
            flash(_("%(name)s is toegevoegd. We vragen per e-mail of de naam op de website mag; tot de bevestiging staat die er niet.", name=member.name), "success")  # fmt: skip
        else:
            flash(_("%(name)s is toegevoegd en staat meteen op de website: de toestemming daarvoor was er al.", name=member.name), "success")  # fmt: skip
        return redirect(url_for(".members", slug=theme.slug))
    return render_form("knowledge/team/manage/members.html", form, theme=theme, team=found,
                       rows=team.members(theme), confirm=ConfirmForm())  # fmt: skip


@bp.route("/beheer/themas/<slug>/werkteam/leden/<int:member_id>/verwijderen", methods=["POST"])
@login_required
def remove_member(slug: str, member_id: int):
    theme = team.managed_team(current_user, slug).theme
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))
    member = team.remove_member(theme, member_id)
    name = member.name
    db.session.commit()
    flash(_("%(name)s is uit het werkteam gehaald en staat niet meer op de website.", name=name), "success")  # fmt: skip
    return redirect(url_for(".members", slug=theme.slug))


@bp.route("/beheer/themas/<slug>/werkteam/volgers")
@login_required
def followers(slug: str):
    """How many follow; who they are only for admins (the list is personal data)."""
    found = team.managed_team(current_user, slug)
    theme = found.theme
    return render_template(
        "knowledge/team/manage/followers.html",
        theme=theme,
        team=found,
        count=team_updates.follower_count(theme),
        awaiting=team_updates.awaiting_count(theme),
        people=team_updates.followers(theme) if current_user.is_admin else None,
    )


from app.knowledge import team_update_views  # noqa: E402, F401  (the updates' routes, on bp)

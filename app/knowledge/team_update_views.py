"""A work team's updates to its followers: written, previewed as one follower will get it (and
sent to oneself as a test), sent once, and the history. The event messages' pages do the same
for registrants (registration/message_views.py); the routes are on work_teams_manage's bp."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import accepted
from app.knowledge import team, team_updates
from app.knowledge.team_forms import UpdateForm
from app.knowledge.team_manage_views import bp
from app.mail.preview import policy_for_mail
from app.timezones import utcnow


def _write_page(found, form: UpdateForm, status: int = 200):
    return render_template(
        "knowledge/team/manage/update.html",
        theme=found.theme,
        team=found,
        form=form,
        count=team_updates.follower_count(found.theme),
    ), status


@bp.route("/beheer/themas/<slug>/werkteam/update", methods=["GET", "POST"])
@login_required
def update(slug: str):
    """GET: write an update. POST (from the preview): send it."""
    found = team.managed_team(current_user, slug)
    form = UpdateForm()
    if request.method == "GET":
        return _write_page(found, form)
    if not form.validate():
        return _write_page(found, form, 400)
    sent = []

    def send():
        sent.append(team_updates.send_update(found, form.subject.data, form.body.data,
                                             sent_by=current_user, shown_at=form.first_shown_at()))  # fmt: skip

    if not accepted(form, "subject", send):
        return _write_page(found, form, 400)
    db.session.commit()
    if sent[0].repeated:
        flash(_("Deze update was al verstuurd; hij is niet nog eens verstuurd."), "info")
    else:
        flash(ngettext("Update verstuurd aan %(num)d volger.", "Update verstuurd aan %(num)d volgers.",
                       sent[0].update.recipients), "success")  # fmt: skip
    return redirect(url_for(".update_detail", slug=slug, update_id=sent[0].update.id))


@bp.route("/beheer/themas/<slug>/werkteam/update/voorbeeld", methods=["POST"])
@login_required
def update_preview(slug: str):
    """The mail as one follower will get it; "Aanpassen" goes back to the text as written."""
    found = team.managed_team(current_user, slug)
    form = UpdateForm()
    if not form.validate():
        return _write_page(found, form, 400)
    if request.form.get("action") == "edit":
        return _write_page(found, form)
    return _preview_page(found, form)


@bp.route("/beheer/themas/<slug>/werkteam/update/test", methods=["POST"])
@login_required
def update_test(slug: str):
    """The previewed mail to the writer's own address, and the preview again."""
    found = team.managed_team(current_user, slug)
    form = UpdateForm()
    if not form.validate():
        return _write_page(found, form, 400)
    team_updates.send_test(found.theme, _rendered(found, form, _visible(found)), current_user.email)
    db.session.commit()
    return _preview_page(found, form, test_sent_to=current_user.email)


def _visible(found) -> list:
    """The followers the writer may see, to preview as: admins see who they are; anyone
    else previews as a follower without a name (their own stands in)."""
    return team_updates.followers(found.theme) if current_user.is_admin else []


def _rendered(found, form: UpdateForm, people) -> team_updates.Rendered:
    return team_updates.preview(found.theme, form.subject.data, form.body.data, people,
                                form.recipient.data, stand_in=current_user.name)  # fmt: skip


def _preview_page(found, form: UpdateForm, test_sent_to: str = ""):
    people = _visible(found)
    rendered = _rendered(found, form, people)
    form.shown_at.data = form.shown_at.data or utcnow().isoformat()
    response = make_response(
        render_template(
            "knowledge/team/manage/update_preview.html",
            theme=found.theme,
            team=found,
            form=form,
            people=people,
            count=team_updates.follower_count(found.theme),
            rendered=rendered,
            test_sent_to=test_sent_to,
        )
    )
    response.headers["Content-Security-Policy"] = policy_for_mail(rendered.html)
    return response


@bp.route("/beheer/themas/<slug>/werkteam/updates")
@login_required
def updates(slug: str):
    found = team.managed_team(current_user, slug)
    return render_template("knowledge/team/manage/updates.html", theme=found.theme, team=found,
                           updates=team_updates.history(found.theme))  # fmt: skip


@bp.route("/beheer/themas/<slug>/werkteam/updates/<int:update_id>")
@login_required
def update_detail(slug: str, update_id: int):
    found = team.managed_team(current_user, slug)
    return render_template("knowledge/team/manage/update_detail.html", theme=found.theme,
                           team=found, update=team_updates.update_of(found.theme, update_id))  # fmt: skip

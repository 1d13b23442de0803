"""Forum pages. Thin: read the form, check the permission, call one service, redirect.

Something a reader may not see answers exactly like something missing: signed-in members get the
404 page, so a private category's thread titles and even their existence stay private. Visitors are
sent to sign in instead (the same for missing and private things, so that reveals nothing either),
because a visitor following a link to a members' thread most likely just needs to sign in.
"""
from functools import cache, wraps

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer

from app.admin.routes import admin_required
from app.extensions import db
from app.forms import add_service_error, flash_service_call
from app.forums import bp
from app.forums.forms import WRITING_HINT, CategoryForm, ConfirmForm, EditForm, ReplyForm, SearchForm, ThreadForm, new_submission_key
from app.models import Category, ReactionKind
from app import kept_parts, text
from app.permissions import can_delete_post, can_edit_post, can_moderate, can_reply, can_see_revisions, can_start_thread, is_member
from app.services import forums, fragments, paging, search as search_service
from app.security import csrf_token
from app.templating import flash_support
from app.services.errors import NotFound, ServiceError

UNSENT_COOKIE = "kindred_unsent"
UNSENT_COOKIE_LIMIT = 3800  # browsers keep cookies up to about 4,000 bytes


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _not_found_or_sign_in():
    if not is_member(current_user):
        flash(_("Please sign in to see that page."), "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    abort(404)


def finds(view):
    """Turn a service's NotFound into the 404 page (members) or the sign-in page (visitors)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound:
            return _not_found_or_sign_in()

    return wrapped


def post_url(post, **kwargs) -> str:
    return url_for("forums.thread", thread_id=post.thread_id, page=forums.page_for_number(post.number), **kwargs) + f"#post-{post.number}"


@bp.app_template_global()
def forum_post_url(post) -> str:
    return post_url(post)


@bp.app_template_global()
def reaction_sentence(kind, count):
    return forums.reaction_sentence(kind, count)


@bp.app_template_global()
def page_url_for(endpoint, anchor="", **values):
    """For the pagination macro: a function from a page number to that page's address. It keeps
    the addresses it made, so a page that shows its pages at the top and at the bottom (a thread)
    builds each address once."""
    return cache(lambda number: url_for(endpoint, page=number, **values) + anchor)


@bp.app_context_processor
def forum_words():
    return {"reaction_words": forums.REACTION_WORDS, "writing_hint": WRITING_HINT}


def _marked_language(form) -> str | None:
    """The "This post is in Welsh" box: "cy" when ticked, otherwise not marked."""
    return "cy" if form.in_welsh.data else None


# ---- Keeping writing when the session has ended ----------------------------------------------


def _unsent_serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kindred-unsent-post")


def _keep_unsent(thread=None, category=None, title="", body=""):
    """Signed out while writing: keep the text in a signed cookie and ask the person to sign in."""
    next_url = url_for("forums.thread", thread_id=thread.id) if thread else url_for("forums.new_thread", slug=category.slug)
    value = _unsent_serializer().dumps({"t": thread.id if thread else None, "c": category.id if category else None,
                                        "title": title or "", "body": body or ""})
    kept = len(value) <= UNSENT_COOKIE_LIMIT
    response = current_app.make_response(
        render_template("forums/sign_in_to_post.html", next_url=next_url, title=title, body=body, kept=kept)
    )
    if kept:
        response.set_cookie(UNSENT_COOKIE, value, max_age=60 * 60 * 24 * 7, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _restore_unsent(response_callbacks, thread=None, category=None):
    """After signing in: move kept writing into this member's server-side draft for the same place."""
    raw = request.cookies.get(UNSENT_COOKIE)
    if not raw or not is_member(current_user):
        return
    try:
        data = _unsent_serializer().loads(raw)
    except BadSignature:
        response_callbacks.append(lambda response: response.delete_cookie(UNSENT_COOKIE))
        return
    if (thread is not None and data.get("t") == thread.id) or (category is not None and data.get("c") == category.id):
        forums.save_draft(current_user, data.get("body", ""), thread=thread, category=category, title=data.get("title", ""))
        flash(_("We kept what you wrote before you were signed out. It is in the box below: check it, then post it."), "success")
        response_callbacks.append(lambda response: response.delete_cookie(UNSENT_COOKIE))


def _with_callbacks(response, callbacks):
    response = current_app.make_response(response)
    for callback in callbacks:
        callback(response)
    return response


def _back_to(posted: forums.Posted) -> str:
    """Where the writer lands: their post, or the top of its page when the support lines are shown
    (browsers do not move focus to the support lines when the address points at a post)."""
    post = posted.post
    if posted.screened is not None and posted.screened.support:
        return url_for("forums.thread", thread_id=post.thread_id, page=forums.page_for_number(post.number))
    return post_url(post)


def _told_about_moderation(written: forums.Posted | forums.Started) -> bool:
    """After writing: say gently that it waits for a volunteer, and show support lines at once
    after words of crisis. Returns True when something was said."""
    screened = written.screened
    if screened is None:
        return False
    told = False
    if screened.support:
        flash_support()
        told = True
    if screened.held:
        flash((_("Thank you. A volunteer will check this soon, then everyone can see it.") + " " + screened.tell()).strip(), "info")
        told = True
    elif told:
        flash(_("Your post is published."), "success")
    return told


# ---- Reading ------------------------------------------------------------------------------------


@bp.route("/forums")
def index():
    return render_template("forums/index.html", categories=forums.list_categories(current_user))


@bp.route("/forums/<slug>")
@finds
def category(slug):
    category = forums.get_category(current_user, slug, kept=kept_parts)  # its row may be kept (app/kept_parts.py)
    listing = forums.thread_list(current_user, category, paging.Position.from_args(request.args, forums.THREAD_KEY))
    return render_template("forums/category.html", category=category, listing=listing)


@bp.route("/threads/<int:thread_id>")
@finds
def thread(thread_id):
    # The part of the page that is the same for every reader may be kept (app/kept_parts.py).
    thread = forums.get_thread(current_user, thread_id, kept=kept_parts)
    callbacks = []
    _restore_unsent(callbacks, thread=thread)
    view = forums.thread_page(current_user, thread, _page(), kept=kept_parts)
    middle = fragments.with_holes(fragments.thread_middle_parts(view, thread), lambda holes: _thread_middle(thread, view, holes),
                                  {"csrf": csrf_token, "key": new_submission_key})
    return _with_callbacks(render_template("forums/thread.html", thread=thread, view=view, middle=middle), callbacks)


def _thread_middle(thread, view, holes: dict[str, str]) -> str:
    """The thread page below the header, with `holes` for the CSRF token and the submission key."""
    # Only someone who may reply gets the form: making one makes a CSRF token, which would keep
    # a visitor's page out of the page cache (app/page_cache.py).
    form = ReplyForm() if can_reply(current_user, thread) else None
    if form is not None:
        if "csrf_token" in form:  # not when CSRF protection is turned off (WTF_CSRF_ENABLED)
            form.csrf_token.current_token = holes["csrf"]
        form.submission_key.data = holes["key"]
        if view.draft is not None:
            form.body.data = view.draft.body
    return render_template("forums/_thread_middle.html", thread=thread, view=view, form=form, csrf_token=lambda: holes["csrf"])


@bp.route("/posts/<int:post_id>")
@finds
def post(post_id):
    return redirect(post_url(forums.get_post(current_user, post_id)))


# ---- Writing ------------------------------------------------------------------------------------


@bp.route("/forums/<slug>/new", methods=["GET", "POST"])
@finds
def new_thread(slug):
    category = forums.get_category(current_user, slug)
    form = ThreadForm()
    if request.method == "POST" and not is_member(current_user):
        return _keep_unsent(category=category, title=form.title.data, body=form.body.data)
    if not is_member(current_user):
        return redirect(url_for("auth.sign_in", next=request.path))
    callbacks = []
    if request.method == "GET":
        _restore_unsent(callbacks, category=category)
        draft = forums.get_draft(current_user, category=category)
        if draft is not None:
            form.title.data, form.body.data = draft.title, draft.body
    elif form.validate_on_submit():
        if "save_draft" in request.form:
            forums.save_draft(current_user, form.body.data, category=category, title=form.title.data)
            flash(_("Your draft is saved. It will be here when you come back to this page."), "success")
            return redirect(url_for("forums.new_thread", slug=slug))
        try:
            started = forums.start_thread(current_user, category, form.title.data, form.body.data, form.submission_key.data,
                                          language=_marked_language(form))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if started.already_posted:
                flash(_("You had already posted this thread, so it is here once."), "info")
            elif not _told_about_moderation(started):
                flash(_("Your thread is posted. We will let you know when people reply."), "success")
            return redirect(url_for("forums.thread", thread_id=started.thread.id))
    may_post = can_start_thread(current_user, category)
    return _with_callbacks(render_template("forums/new_thread.html", category=category, form=form, may_post=may_post), callbacks)


@bp.route("/threads/<int:thread_id>/reply", methods=["GET", "POST"])
@finds
def reply(thread_id):
    thread = forums.get_thread(current_user, thread_id, include_deleted=request.method == "POST")
    form = ReplyForm()
    if request.method == "POST" and not is_member(current_user):
        return _keep_unsent(thread=thread, body=form.body.data)
    if not is_member(current_user):
        return redirect(url_for("auth.sign_in", next=url_for("forums.thread", thread_id=thread.id)))
    if request.method == "GET":
        draft = forums.get_draft(current_user, thread=thread)
        quote_id = request.args.get("quote", type=int)
        if quote_id:
            quoted = forums.get_post(current_user, quote_id)
            if quoted.thread_id != thread.id:
                abort(404)
            form.body.data = text.quote(quoted.body, quoted.author.display_name if quoted.author else _("A former member"))
            if draft is not None and draft.body.strip():
                form.body.data = draft.body.rstrip() + "\n\n" + form.body.data
        elif draft is not None:
            form.body.data = draft.body
    elif form.validate_on_submit():
        if "save_draft" in request.form:
            if thread.is_deleted:
                form.form_errors.append(_("This thread has been deleted, so your draft cannot be kept here.") + f" {forums.KEPT}")
            else:
                forums.save_draft(current_user, form.body.data, thread=thread)
                flash(_("Your draft is saved. It will be here when you come back to this thread."), "success")
                return redirect(url_for("forums.thread", thread_id=thread.id, page=forums.page_for_number(thread.last_post_number)) + "#reply")
        else:
            try:
                posted = forums.reply(current_user, thread, form.body.data, form.submission_key.data,
                                      language=_marked_language(form))
            except ServiceError as error:
                add_service_error(form, error)
            else:
                if posted.already_posted:
                    flash(_("You had already posted this reply, so it is here once."), "info")
                elif not _told_about_moderation(posted):
                    flash(_("Your reply is posted."), "success")
                return redirect(_back_to(posted))
    return render_template("forums/reply.html", thread=thread, form=form, may_reply=can_reply(current_user, thread))


@bp.route("/drafts", methods=["POST"])
def save_draft():
    """Autosave from drafts.js: JSON in, a short sentence out. The form's own "Save draft" button does the same."""
    if not is_member(current_user):
        return jsonify(saved=False, message=_("You have been signed out. Copy your writing somewhere safe, then sign in.")), 401
    data = request.get_json(silent=True) or request.form
    try:
        thread = category = None
        if data.get("thread_id"):
            thread = forums.get_thread(current_user, int(data["thread_id"]))
        elif data.get("category_id"):
            category = db.session.get(Category, int(data["category_id"]))
            if category is None or not can_start_thread(current_user, category):
                raise NotFound(_("We cannot find that category."))
        else:
            return jsonify(saved=False, message=_("We could not tell where this draft belongs.")), 400
        forums.save_draft(current_user, str(data.get("body", "")), thread=thread, category=category, title=str(data.get("title", "")))
    except (ServiceError, ValueError):
        return jsonify(saved=False, message=_("We could not save your draft. Your writing is still on this page.")), 404
    return jsonify(saved=True, message=_("Draft saved."))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@finds
def edit_post(post_id):
    post = forums.get_post(current_user, post_id)
    if not can_edit_post(current_user, post):
        abort(403)
    form = EditForm()
    if request.method == "GET":
        form.body.data = post.body
        form.in_welsh.data = post.language == "cy"
    elif form.validate_on_submit():
        try:
            edited = forums.edit_post(current_user, post, form.body.data, language=_marked_language(form))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if not _told_about_moderation(edited):
                flash(_("Your changes are saved."), "success")
            return redirect(_back_to(edited))
    return render_template("forums/edit.html", post=post, form=form)


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
@finds
def delete_post(post_id):
    post = forums.get_post(current_user, post_id)
    if not can_delete_post(current_user, post):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        forums.delete_post(current_user, post)
        return redirect(url_for("forums.deleted", post_id=post.id))
    return render_template("forums/delete.html", post=post, form=form)


@bp.route("/posts/<int:post_id>/deleted")
@login_required
@finds
def deleted(post_id):
    post = forums.get_post(current_user, post_id, include_deleted=True)
    return render_template("forums/deleted.html", post=post, form=ConfirmForm(),
                           can_undo=forums.can_undo_delete(current_user, post), minutes=forums.UNDO_MINUTES)


@bp.route("/posts/<int:post_id>/undo-delete", methods=["POST"])
@login_required
@finds
def undo_delete(post_id):
    post = forums.get_post(current_user, post_id, include_deleted=True)
    if ConfirmForm().validate_on_submit():
        if flash_service_call(lambda: forums.undo_delete(current_user, post), _("Your post is back, just as it was.")):
            return redirect(post_url(post))
    return redirect(url_for("forums.deleted", post_id=post.id))


@bp.route("/posts/<int:post_id>/react", methods=["POST"])
@login_required
@finds
def react(post_id):
    post = forums.get_post(current_user, post_id)
    try:
        kind = ReactionKind(request.form.get("kind", ""))
    except ValueError:
        abort(400)
    if ConfirmForm().validate_on_submit():
        given = forums.react(current_user, post, kind)
        flash(str(forums.REACTION_DONE[kind][0 if given else 1]), "success")  # lazy: the session stores text
    return redirect(post_url(post))


@bp.route("/posts/<int:post_id>/reactions")
@finds
def reactions(post_id):
    post = forums.get_post(current_user, post_id)
    return render_template("forums/reactions.html", post=post, reactions=forums.reactions_for(post))


@bp.route("/posts/<int:post_id>/actions")
@login_required
@finds
def post_actions(post_id):
    """React, Save, Report, Edit... for one post, on a page of their own: a thread page shows only
    three links under each post (Reply, React, More), which keeps it light (issue 15)."""
    post = forums.get_post(current_user, post_id)
    return render_template("forums/post_actions.html", post=post, view=forums.post_view(current_user, post))


@bp.route("/posts/<int:post_id>/history")
@login_required
@finds
def history(post_id):
    post = forums.get_post(current_user, post_id, include_deleted=can_moderate(current_user))
    if not can_see_revisions(current_user):
        abort(403)
    return render_template("forums/history.html", post=post, revisions=forums.revisions(post))


@bp.route("/posts/<int:post_id>/save", methods=["POST"])
@login_required
@finds
def bookmark(post_id):
    post = forums.get_post(current_user, post_id)
    if ConfirmForm().validate_on_submit():
        on = request.form.get("saved") != "no"
        forums.bookmark(current_user, post, on)
        flash(_("Post saved. You can find it on your Saved posts page.") if on else _("Post removed from your saved posts."), "success")
    return redirect(post_url(post))


@bp.route("/threads/<int:thread_id>/follow", methods=["POST"])
@login_required
@finds
def follow(thread_id):
    thread = forums.get_thread(current_user, thread_id)
    if ConfirmForm().validate_on_submit():
        on = request.form.get("following") != "no"
        forums.follow(current_user, thread, on)
        flash(_("You are following this thread.") if on else _("You have stopped following this thread."), "success")
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.route("/threads/<int:thread_id>/moderate", methods=["POST"])
@login_required
@finds
def moderate_thread(thread_id):
    thread = forums.get_thread(current_user, thread_id)
    if not can_moderate(current_user):
        abort(403)
    if ConfirmForm().validate_on_submit():
        change = request.form.get("change")
        if change in ("pin", "unpin"):
            forums.set_pinned(current_user, thread, change == "pin")
        elif change in ("lock", "unlock"):
            forums.set_locked(current_user, thread, change == "lock")
        else:
            abort(400)
        flash({"pin": _("Thread pinned to the top of its category."), "unpin": _("Thread unpinned."),
               "lock": _("Thread locked: nobody but moderators can reply."), "unlock": _("Thread unlocked.")}[change], "success")
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.route("/saved")
@login_required
def saved():
    return render_template("forums/saved.html", listing=forums.saved_posts(current_user, paging.Position.from_args(request.args, forums.SAVED_KEY)))


@bp.route("/search")
def search():
    form = SearchForm(request.args)
    results = search_service.search(current_user, form.q.data or "", _page()) if form.q.data else None
    return render_template("forums/search.html", form=form, results=results)


# ---- Categories (administrators) ------------------------------------------------------------------


@bp.route("/admin/categories")
@admin_required
def admin_categories():
    return render_template("forums/admin_categories.html", categories=forums.all_categories())


@bp.route("/admin/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/admin/categories/<int:category_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_category(category_id):
    category = db.session.get(Category, category_id) if category_id else None
    if category_id and category is None:
        abort(404)
    form = CategoryForm(obj=category) if category and request.method == "GET" else CategoryForm()
    if category is not None and request.method == "GET":
        form.read_audience.data, form.post_audience.data = category.read_audience.value, category.post_audience.value
    if form.validate_on_submit():
        try:
            saved_category = forums.save_category(
                current_user, form.name.data, form.description.data, form.position.data or 0,
                form.read_audience.data, form.post_audience.data, category,
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(_("The category “%(name)s” is saved.", name=saved_category.name), "success")
            return redirect(url_for("forums.admin_categories"))
    return render_template("forums/admin_category.html", form=form, category=category)


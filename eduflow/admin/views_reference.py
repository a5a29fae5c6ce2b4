"""Admin screens for the reference tables: campuses and their classrooms, courses, tags, source channels."""
from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eduflow.access import ADMINS, role_required
from eduflow.admin import bp
from eduflow.admin.forms import CampusForm, ClassroomForm, CourseForm, RecordForm, SourceForm, TagForm
from eduflow.admin.services import save_reference
from eduflow.admin.views import form_page, saved
from eduflow.extensions import db
from eduflow.htmx import is_htmx
from eduflow.models import Campus, Classroom, Course, SourceChannel, Tag
from eduflow.pagination import paginate
from eduflow.web import render, submit


# ---------- reference tables: campuses, courses, tags, source channels ----------

@dataclass(frozen=True)
class Area:
    """A table only admins edit: a list page and one create/edit form."""

    name: str  # URL segment, template folder and endpoint prefix (admin.<name>, admin.<name>_new, …_edit)
    model: type
    form: type[RecordForm]
    order_by: tuple
    new_title: str
    edit_title: str


CAMPUSES = Area("campuses", Campus, CampusForm, (Campus.is_active.desc(), Campus.name),
                _l("新建校区"), _l("编辑校区"))
COURSES = Area("courses", Course, CourseForm, (Course.is_active.desc(), Course.name),
               _l("新建课程"), _l("编辑课程"))
TAGS = Area("tags", Tag, TagForm, (Tag.kind.desc(), Tag.category, Tag.name), _l("新建标签"), _l("编辑标签"))
SOURCES = Area("sources", SourceChannel, SourceForm, (SourceChannel.sort_order, SourceChannel.name),
               _l("新建来源渠道"), _l("编辑来源渠道"))


def _list_page(area: Area):
    page = paginate(select(area.model).order_by(*area.order_by))
    return render(f"admin/{area.name}/list.html", page=page)


def _record_page(area: Area, record=None, template: str = "admin/record_form.html", **context):
    """Create (no record) or edit one row: redirect to the list on success, 422 with the messages otherwise."""
    form = area.form(record=record)
    done = saved(form, lambda: save_reference(record or area.model(), **form.values()),
                   lambda saved: _("已保存“%(name)s”。", name=saved.name), url_for(f"admin.{area.name}"))
    title = area.edit_title if record else area.new_title
    return done or form_page(template, form, area=area, record=record, title=title, **context)


@bp.route("/campuses")
@role_required(*ADMINS)
def campuses():
    """校区 list."""
    return _list_page(CAMPUSES)


@bp.route("/campuses/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def campuses_new():
    """Open a campus."""
    return _record_page(CAMPUSES)


@bp.route("/campuses/<int:campus_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def campuses_edit(campus_id: int):
    """Edit a campus; its classrooms are listed and edited on the same page."""
    campus = db.get_or_404(Campus, campus_id)
    return _record_page(CAMPUSES, campus, "admin/campuses/edit.html", **_classrooms_context(campus))


@bp.route("/courses")
@role_required(*ADMINS)
def courses():
    """课程 list."""
    return _list_page(COURSES)


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def courses_new():
    """Add a course."""
    return _record_page(COURSES)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def courses_edit(course_id: int):
    """Edit a course."""
    return _record_page(COURSES, db.get_or_404(Course, course_id))


@bp.route("/tags")
@role_required(*ADMINS)
def tags():
    """标签 list, system tags first."""
    return _list_page(TAGS)


@bp.route("/tags/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def tags_new():
    """Add a manual tag."""
    return _record_page(TAGS, template="admin/tags/form.html")


@bp.route("/tags/<int:tag_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def tags_edit(tag_id: int):
    """Rename or re-categorise a tag (a system tag keeps its kind and code)."""
    return _record_page(TAGS, db.get_or_404(Tag, tag_id), "admin/tags/form.html")


@bp.route("/sources")
@role_required(*ADMINS)
def sources():
    """来源渠道 list, in the order the lead form offers them."""
    return _list_page(SOURCES)


@bp.route("/sources/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def sources_new():
    """Add a source channel."""
    return _record_page(SOURCES)


@bp.route("/sources/<int:source_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def sources_edit(source_id: int):
    """Edit a source channel."""
    return _record_page(SOURCES, db.get_or_404(SourceChannel, source_id))


# ---------- classrooms, inside the campus page ----------

def _classrooms_context(campus: Campus, new: ClassroomForm | None = None, editing: ClassroomForm | None = None):
    classrooms = db.session.scalars(select(Classroom).where(Classroom.campus_id == campus.id).order_by(Classroom.name))
    new = new or ClassroomForm(formdata=None, prefix="new", campus=campus)
    return {"campus": campus, "classrooms": list(classrooms), "new_classroom": new, "editing": editing}


def _classrooms(campus: Campus, status: int = 200, **forms):
    """The campus page, or only its classrooms section for htmx (the page includes the same file)."""
    return render("admin/campuses/edit.html", "admin/campuses/_classrooms.html", status=status,
                  form=CampusForm(formdata=None, record=campus), area=CAMPUSES, record=campus,
                  title=CAMPUSES.edit_title, **_classrooms_context(campus, **forms))


def _save_classroom(campus: Campus, classroom: Classroom, form: ClassroomForm, **forms):
    if not submit(form, lambda: save_reference(classroom, **form.values())):
        return _classrooms(campus, 422, **forms)
    if is_htmx():
        return _classrooms(campus)
    flash(_("已保存教室“%(name)s”。", name=classroom.name), "success")
    return redirect(url_for("admin.campuses_edit", campus_id=campus.id))


@bp.route("/campuses/<int:campus_id>/classrooms")
@role_required(*ADMINS)
def campuses_classrooms(campus_id: int):
    """A campus's classrooms (the section htmx refreshes; a browser gets the campus page)."""
    return _classrooms(db.get_or_404(Campus, campus_id))


@bp.route("/campuses/<int:campus_id>/classrooms/new", methods=["POST"])
@role_required(*ADMINS)
def campuses_classrooms_new(campus_id: int):
    """Add a classroom to a campus."""
    campus = db.get_or_404(Campus, campus_id)
    form = ClassroomForm(prefix="new", campus=campus)
    return _save_classroom(campus, Classroom(campus_id=campus.id), form, new=form)


@bp.route("/campuses/<int:campus_id>/classrooms/<int:classroom_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def campuses_classrooms_edit(campus_id: int, classroom_id: int):
    """Edit one classroom in place, in its row of the campus page."""
    campus = db.get_or_404(Campus, campus_id)
    classroom = db.first_or_404(select(Classroom).where(Classroom.id == classroom_id,
                                                        Classroom.campus_id == campus.id))
    form = ClassroomForm(prefix=f"room{classroom.id}", record=classroom, campus=campus)
    if request.method == "GET":
        return _classrooms(campus, editing=form)
    return _save_classroom(campus, classroom, form, editing=form)

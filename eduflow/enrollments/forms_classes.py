"""Class choices that say how full each class is: a full class is offered as full (已满 12/12) and cannot be
picked, and a form refuses it on its field (a page opened before the last seat went). Every form that puts a
student into a class (报名, conversion with enrolment, 转班) offers its classes through here."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from eduflow.enrollments.creation import head_counts
from eduflow.models import ClassGroup


@dataclass(frozen=True)
class Seats:
    """A class and its head count (active enrolments, eduflow.enrollments.creation)."""

    group: ClassGroup
    taken: int

    @property
    def full(self) -> bool:
        return self.taken >= self.group.capacity

    @property
    def count(self) -> str:
        """12/12 taken, or 已满 12/12 when no seat is left."""
        taken = f"{self.taken}/{self.group.capacity}"
        return str(_l("已满 %(taken)s", taken=taken)) if self.full else taken


def seats_of(classes) -> dict[int, Seats]:
    """Each class by id with its head count, all of them from one grouped query."""
    classes = list(classes)
    taken = head_counts([group.id for group in classes])
    return {group.id: Seats(group, taken[group.id]) for group in classes}


def class_option(seats: Seats, label: str, chosen: int | None = None, **attributes) -> tuple:
    """A select option (value, label, attributes) for the class, its head count in the label. A full class is
    disabled (`data-full` keeps it so when a script re-enables options), unless it is the value being shown
    again with its refusal: a disabled chosen option would post nothing, and 暂不分班 is a valid answer."""
    if seats.full:
        attributes["data-full"] = ""
        if seats.group.id != chosen:
            attributes["disabled"] = True
    return seats.group.id, f"{label} · {seats.count}", attributes


def refuse_if_full(seats: Seats | None) -> None:
    """The form's refusal of a full class, beside the field (the service re-checks under the class's lock)."""
    if seats is not None and seats.full:
        raise ValidationError(_l("班级 %(name)s 已满（%(taken)s/%(capacity)s 人），请选择其他班级。",
                                 name=seats.group.name, taken=seats.taken, capacity=seats.group.capacity))

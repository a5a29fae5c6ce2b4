"""Imports: managers (their campus) and admins; everyone else 403. The second campus's import is 404 to a manager."""
import io

from eduflow.extensions import db
from eduflow.imports import services
from eduflow.models import ImportKind
from tests.matrix import Route, fixed, only

IMPORTERS = only("admin", "manager")
OTHER_CAMPUS = {**IMPORTERS, "manager": 404}


def at(template: str):
    return lambda world: template.format(**world["imports"])


def _both(endpoint, method, template, name="", **kwargs) -> list[Route]:
    other = f"{name}-other-campus" if name else "other-campus"
    return [Route(endpoint, method, at(template.replace("<k>", "own")), IMPORTERS, name=name, **kwargs),
            Route(endpoint, method, at(template.replace("<k>", "other")), OTHER_CAMPUS, name=other, **kwargs)]


ROWS = [
    Route("imports.index", "GET", fixed("/imports"), IMPORTERS),
    Route("imports.index", "POST", fixed("/imports"), IMPORTERS, data={"kind": "leads"}),
    Route("imports.template", "GET", fixed("/imports/template/leads.xlsx"), IMPORTERS),
    *_both("imports.detail", "GET", "/imports/{<k>}"),
    *_both("imports.detail", "GET", "/imports/{<k>}?action=reject", name="fragment", partial=True),
    *_both("imports.mapping", "POST", "/imports/{<k>}/mapping"),
    *_both("imports.step", "POST", "/imports/{<k>}/step", partial=True),
    *_both("imports.commit", "POST", "/imports/{<k>}/commit"),
    *_both("imports.rollback", "POST", "/imports/{<k>}/rollback"),
    *_both("imports.rejected", "GET", "/imports/{<k>}/rejected.xlsx"),
    Route("imports.detail", "GET", fixed("/imports/999999"),
          {**IMPORTERS, "admin": 404, "manager": 404}, name="unknown"),
]


def build(users, campuses) -> dict:
    ids = {}
    for key, who in (("own", "manager"), ("other", "manager_b")):
        user = users[who]
        batch = services.upload(io.BytesIO("姓名,电话\n矩阵导入,13900009999\n".encode()), "m.csv",
                                kind=ImportKind.LEADS, campus_id=user.campus_id, by=user)
        ids[key] = batch.id
    db.session.commit()
    return {"imports": ids}

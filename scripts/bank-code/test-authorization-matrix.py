# bank-code: needs python:fastapi python:httpx python:pytest
# Check for test-authorization-matrix. It gives the answer's test module a small FastAPI project
# app, runs the tests with pytest against the correct app (all must pass), then against broken apps
# (each bug must make the suite fail, in the right test).
import os
import re
import sys
import textwrap

AUTH = '''
from dataclasses import dataclass, field
from fastapi import Header, HTTPException


@dataclass(frozen=True)
class User:
    id: str
    tenant_id: str
    roles: frozenset = field(default_factory=frozenset)


TOKENS = {"t-viewer": User("u1", "t-1", frozenset({"viewer"}))}


def current_user(authorization: str | None = Header(default=None)) -> User:
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401, "not authenticated", headers={"WWW-Authenticate": "Bearer"})
    user = TOKENS.get(authorization[7:])
    if user is None:
        raise HTTPException(401, "bad token")
    return user
'''

MAIN = '''
import os
from fastapi import Depends, FastAPI, HTTPException, Response
from pydantic import BaseModel

from projects.auth import User, current_user

VARIANT = os.environ.get("PROJECTS_VARIANT", "correct")
app = FastAPI()
PROJECTS: dict[str, dict] = {}


def seed():
    PROJECTS.clear()
    PROJECTS["p-1"] = {"id": "p-1", "tenant_id": "t-1", "name": "original"}
    PROJECTS["p-9"] = {"id": "p-9", "tenant_id": "t-2", "name": "other"}


def load(project_id: str, user: User) -> dict:
    p = PROJECTS.get(project_id)
    if p is None or (p["tenant_id"] != user.tenant_id and VARIANT != "cross_tenant_leak"):
        raise HTTPException(404, "not found")
    return p


def need(user: User, *roles: str) -> None:
    if not set(user.roles) & set(roles):
        raise HTTPException(403, "forbidden")


class Patch(BaseModel):
    name: str


def optional_user(authorization: str | None = None):
    return None


@app.get("/projects/{project_id}")
def get_project(project_id: str, user: User = Depends(current_user)):
    p = load(project_id, user)
    need(user, "viewer", "editor", "admin")
    return {"id": p["id"], "name": p["name"]}


if VARIANT == "anonymous_get":
    app.router.routes = [r for r in app.router.routes if getattr(r, "path", "") != "/projects/{project_id}"]

    @app.get("/projects/{project_id}")
    def get_project_open(project_id: str):
        p = PROJECTS.get(project_id)
        if p is None:
            raise HTTPException(404, "not found")
        return {"id": p["id"], "name": p["name"]}


@app.patch("/projects/{project_id}")
def patch_project(project_id: str, body: Patch, user: User = Depends(current_user)):
    p = load(project_id, user)
    if VARIANT == "viewer_can_patch":
        need(user, "viewer", "editor", "admin")
    else:
        need(user, "editor", "admin")
    p["name"] = body.name
    return {"id": p["id"], "name": p["name"]}


@app.delete("/projects/{project_id}", status_code=204)
def delete_project(project_id: str, user: User = Depends(current_user)):
    p = load(project_id, user)
    if VARIANT == "delete_then_deny":
        PROJECTS.pop(project_id)      # side effect before the check
    need(user, "admin")
    PROJECTS.pop(project_id, None)
    return Response(status_code=204)


if VARIANT == "extra_route":
    @app.post("/projects/{project_id}/archive")
    def archive(project_id: str, user: User = Depends(current_user)):
        return {"archived": True}
'''

CONFTEST = '''
import pytest

from projects import main


@pytest.fixture
def seed_project():
    main.seed()
    return main.PROJECTS["p-1"]
'''

os.makedirs("projects", exist_ok=True)
for name, text in {"projects/__init__.py": "", "projects/auth.py": AUTH,
                   "projects/main.py": MAIN, "conftest.py": CONFTEST}.items():
    with open(name, "w") as f:
        f.write(textwrap.dedent(text))


os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only pytest itself: faster, and no stray plugins
import pytest  # noqa: E402


class Report:
    def __init__(self):
        self.passed, self.failed, self.text = [], [], []

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome == "failed":
            (self.failed if report.failed else self.passed).append(report.nodeid.split("::", 1)[-1])
            if report.failed:
                self.text.append(report.longreprtext[-1500:])


def pytest_run(variant):
    """Runs the answer's tests in this process against one variant of the app."""
    os.environ["PROJECTS_VARIANT"] = variant
    for name in list(sys.modules):
        if name in ("answer", "conftest") or name.startswith("projects"):
            del sys.modules[name]
    rep = Report()
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:threadexception", "-W", "ignore::DeprecationWarning",
                      "answer.py"], plugins=[rep])
    return int(rc), rep


rc, rep = pytest_run("correct")
assert rc == 0, "the suite must pass against a correct app:\n" + "\n".join(rep.text)[-3000:]
assert len(rep.passed) == 3 * 5 + 1, f"expected 5 callers x 3 routes + the coverage test, got {rep.passed}"

bugs = {
    # variant: a test id that must fail (prefix)
    "viewer_can_patch": "test_access_matrix[viewer-PATCH",
    "cross_tenant_leak": "test_access_matrix[other_tenant_admin-",
    "anonymous_get": "test_access_matrix[anonymous-GET",
    "delete_then_deny": "test_access_matrix[editor-DELETE",
    "extra_route": "test_every_route_has_a_policy_row",
}
for variant, must_fail in bugs.items():
    rc, rep = pytest_run(variant)
    assert rc != 0, f"the suite passed against the buggy app {variant!r}"
    assert any(i.startswith(must_fail) for i in rep.failed), f"{variant}: expected {must_fail} to fail, failed: {rep.failed}"
    if variant == "extra_route":
        assert rep.failed == ["test_every_route_has_a_policy_row"], rep.failed
        assert "/projects/{project_id}/archive" in rep.text[0], "the coverage failure names the route"

print("test-authorization-matrix: ok")

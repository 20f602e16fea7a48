# Check for auth-rbac-permission-check-code: union of role permissions, deny by default (unknown
# role, no role, unknown permission), decorator enforcement before the handler runs, tenant check.
from dataclasses import dataclass

from answer import (PermissionDenied, ROLE_PERMISSIONS, User, delete_invoice, has_permission,
                    permissions_for, requires)


@dataclass
class Invoice:
    id: str
    tenant_id: str


class Repo:
    def __init__(self):
        self.rows = {"i1": Invoice("i1", "t1"), "i2": Invoice("i2", "t2")}
        self.deleted = []

    def get(self, invoice_id):
        return self.rows.get(invoice_id)

    def delete(self, invoice_id):
        self.deleted.append(invoice_id)
        del self.rows[invoice_id]


viewer = User("u1", "t1", frozenset({"viewer"}))
multi = User("u2", "t1", frozenset({"viewer", "accountant"}))
admin = User("u3", "t1", frozenset({"admin"}))
other_admin = User("u9", "t2", frozenset({"admin"}))
ghost = User("u4", "t1", frozenset({"superuser", "ADMIN", "admin "}))
nobody = User("u5", "t1")

assert permissions_for(multi) == {"invoice:read", "invoice:create"}
assert permissions_for(ghost) == frozenset() and permissions_for(nobody) == frozenset()
assert has_permission(admin, "invoice:delete") and not has_permission(viewer, "invoice:delete")
assert not has_permission(admin, "invoice:approve"), "unknown permission is denied"
assert not has_permission(admin, ""), "empty permission is denied"

repo = Repo()
for user in (viewer, multi, ghost, nobody):
    try:
        delete_invoice(user, "i1", repo)
    except PermissionDenied as e:
        assert user.id in str(e) and "invoice:delete" in str(e)
    else:
        raise AssertionError(f"{user.roles} could delete")
assert repo.deleted == [], "handler ran although permission was denied"

try:
    delete_invoice(other_admin, "i1", repo)  # right permission, wrong tenant
except LookupError:
    pass
else:
    raise AssertionError("cross-tenant delete allowed")
try:
    delete_invoice(admin, "missing", repo)
except LookupError:
    pass
else:
    raise AssertionError("missing invoice")
assert repo.deleted == []
delete_invoice(admin, "i1", repo)
assert repo.deleted == ["i1"]

# Declared permission is introspectable, so a test can demand one on every handler.
assert delete_invoice.required_permission == "invoice:delete"
assert delete_invoice.__name__ == "delete_invoice"


@requires("invoice:create")
def create(user, amount):
    return ("created", amount)


assert create(multi, 5) == ("created", 5)
try:
    create(viewer, 5)
except PermissionDenied:
    pass
else:
    raise AssertionError("viewer created")
# The role table is data: changing who may delete needs no code change.
ROLE_PERMISSIONS["viewer"] = ROLE_PERMISSIONS["viewer"] | {"invoice:create"}
assert create(viewer, 1) == ("created", 1)
print("auth-rbac-permission-check-code: ok")

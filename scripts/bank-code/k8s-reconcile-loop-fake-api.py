import random

import copy

from answer import (FINALIZER, AlreadyExists, AppReconciler, Conflict, Controller, NotFound,
                    Unavailable)


class FakeAPI:
    """In-memory API server: resourceVersion checks, generation, finalizers, injectable faults."""

    def __init__(self):
        self.objects = {}  # (kind, name) -> object dict
        self.rv = 0
        self.faults = []   # [(operation, exception)], consumed when the operation runs
        self.writes = 0

    def _fault(self, op):
        for i, (fop, exc) in enumerate(self.faults):
            if fop == op:
                del self.faults[i]
                raise exc

    def _store(self, kind, obj):
        self.rv += 1
        self.writes += 1
        obj["metadata"]["resourceVersion"] = self.rv
        self.objects[(kind, obj["metadata"]["name"])] = obj
        return copy.deepcopy(obj)

    def get(self, kind, name):
        self._fault("get")
        if (kind, name) not in self.objects:
            raise NotFound(name)
        return copy.deepcopy(self.objects[(kind, name)])

    def list(self, kind, owner=None):
        self._fault("list")
        return [copy.deepcopy(o) for (k, _), o in sorted(self.objects.items())
                if k == kind and (owner is None or o["metadata"].get("owner") == owner)]

    def create(self, kind, obj):
        self._fault("create")
        obj = copy.deepcopy(obj)
        if (kind, obj["metadata"]["name"]) in self.objects:
            raise AlreadyExists(obj["metadata"]["name"])
        obj["metadata"].update(generation=1, finalizers=list(obj["metadata"].get("finalizers", [])))
        return self._store(kind, obj)

    def update(self, kind, obj):
        self._fault("update")
        obj = copy.deepcopy(obj)
        cur = self.objects.get((kind, obj["metadata"]["name"]))
        if cur is None:
            raise NotFound(obj["metadata"]["name"])
        if cur["metadata"]["resourceVersion"] != obj["metadata"]["resourceVersion"]:
            raise Conflict(obj["metadata"]["name"])
        obj["metadata"]["generation"] = cur["metadata"]["generation"] + (obj.get("spec") != cur.get("spec"))
        obj["metadata"]["deletionTimestamp"] = cur["metadata"].get("deletionTimestamp")
        if obj["metadata"]["deletionTimestamp"] and not obj["metadata"]["finalizers"]:
            del self.objects[(kind, obj["metadata"]["name"])]  # last finalizer gone: object removed
            self.writes += 1
            return None
        return self._store(kind, obj)

    def delete(self, kind, name):
        self._fault("delete")
        obj = self.objects.get((kind, name))
        if obj is None:
            raise NotFound(name)
        if obj["metadata"].get("finalizers"):
            if not obj["metadata"].get("deletionTimestamp"):
                obj["metadata"]["deletionTimestamp"] = self.rv + 1
                self._store(kind, obj)
            return
        del self.objects[(kind, name)]
        self.writes += 1


class FakeClock:
    def __init__(self):
        self.t = 0.0
        self.sleeps = []

    def __call__(self):
        return self.t

    def sleep(self, d):
        assert d >= 0
        self.sleeps.append(d)
        self.t += d


def setup(api=None):
    api = api or FakeAPI()
    clock = FakeClock()
    ctl = Controller(api, AppReconciler(api), clock=clock, sleep=clock.sleep)
    return api, ctl, clock


def pods(api, owner):
    return {p["metadata"]["name"]: p["spec"]["image"] for p in api.list("Pod", owner=owner)}


def app(api, name):
    return api.get("App", name)


# 1. converge from nothing, finalizer and status set
api, ctl, clock = setup()
api.create("App", {"metadata": {"name": "web"}, "spec": {"replicas": 3, "image": "v1"}})
ctl.enqueue("web")
assert ctl.run()
assert pods(api, "web") == {"web-0": "v1", "web-1": "v1", "web-2": "v1"}
a = app(api, "web")
assert FINALIZER in a["metadata"]["finalizers"]
assert a["status"] == {"observedGeneration": 1, "replicas": 3}

# 2. idempotent: a second pass writes nothing
w = api.writes
ctl.enqueue("web")
ctl.run()
assert api.writes == w, "reconcile of a converged object must not write"

# 3. drift is repaired (level-triggered: no event describes the drift)
api.delete("Pod", "web-1")
p = api.get("Pod", "web-2"); p["spec"]["image"] = "hacked"; api.update("Pod", p)
api.create("Pod", {"metadata": {"name": "web-9", "owner": "web"}, "spec": {"image": "v1"}})
api.create("Pod", {"metadata": {"name": "other-0", "owner": "other"}, "spec": {"image": "x"}})
ctl.resync()
ctl.run()
assert pods(api, "web") == {"web-0": "v1", "web-1": "v1", "web-2": "v1"}
assert pods(api, "other") == {"other-0": "x"}, "pods of another owner must not be touched"

# 4. spec change bumps generation; status follows
a = app(api, "web"); a["spec"] = {"replicas": 1, "image": "v2"}; api.update("App", a)
ctl.enqueue("web"); ctl.run()
assert pods(api, "web") == {"web-0": "v2"}
assert app(api, "web")["status"] == {"observedGeneration": 2, "replicas": 1}

# 5. transient faults and conflicts are retried with growing backoff
api, ctl, clock = setup()
api.create("App", {"metadata": {"name": "db"}, "spec": {"replicas": 2, "image": "v1"}})
api.faults = [("create", Unavailable()), ("create", Unavailable()), ("update", Conflict()),
              ("list", Unavailable())]
ctl.enqueue("db")
assert ctl.run()
assert pods(api, "db") == {"db-0": "v1", "db-1": "v1"}
assert app(api, "db")["status"]["replicas"] == 2
assert len(clock.sleeps) == 4 and clock.sleeps == sorted(clock.sleeps) and clock.sleeps[-1] > clock.sleeps[0], clock.sleeps
assert ctl.failures == {}


# 6. a concurrent writer changes the spec between our read and our write
class RacyAPI(FakeAPI):
    def __init__(self):
        super().__init__()
        self.raced = False

    def update(self, kind, obj):
        if kind == "App" and "status" in obj and not self.raced:
            self.raced = True
            cur = self.objects[("App", obj["metadata"]["name"])]
            FakeAPI.update(self, "App", dict(cur, spec={"replicas": 4, "image": "v3"}))
        return super().update(kind, obj)


api, ctl, clock = setup(RacyAPI())
api.create("App", {"metadata": {"name": "q"}, "spec": {"replicas": 1, "image": "v1"}})
ctl.enqueue("q"); assert ctl.run()
assert api.raced
assert pods(api, "q") == {f"q-{i}": "v3" for i in range(4)}
assert app(api, "q")["status"] == {"observedGeneration": 2, "replicas": 4}

# 6b. a create whose response is lost after it committed, and a create that races another writer
class LossyAPI(FakeAPI):
    def __init__(self):
        super().__init__()
        self.lost = self.raced = 0

    def create(self, kind, obj):
        if kind == "Pod" and obj["metadata"]["name"].endswith("-0") and not self.lost:
            self.lost = 1
            super().create(kind, obj)
            raise Unavailable("response lost after commit")
        if kind == "Pod" and obj["metadata"]["name"].endswith("-1") and not self.raced:
            self.raced = 1
            super().create(kind, obj)  # someone else created it first
        return super().create(kind, obj)


api, ctl, clock = setup(LossyAPI())
api.create("App", {"metadata": {"name": "l"}, "spec": {"replicas": 3, "image": "v1"}})
ctl.enqueue("l"); assert ctl.run()
assert pods(api, "l") == {"l-0": "v1", "l-1": "v1", "l-2": "v1"}
assert len(clock.sleeps) == 1, "AlreadyExists must be treated as success, only the lost response retried"

# 7. deletion: finalizer holds the App until its pods are gone
api, ctl, clock = setup()
api.create("App", {"metadata": {"name": "job"}, "spec": {"replicas": 2, "image": "v1"}})
api.create("Pod", {"metadata": {"name": "keep-0", "owner": "keep"}, "spec": {"image": "k"}})
ctl.enqueue("job"); ctl.run()
api.delete("App", "job")
assert app(api, "job")["metadata"]["deletionTimestamp"], "finalizer must keep the object"
api.faults = [("delete", Unavailable())]
ctl.enqueue("job"); assert ctl.run()
try:
    api.get("App", "job")
    raise AssertionError("App should be gone after its finalizer is removed")
except NotFound:
    pass
assert pods(api, "job") == {} and pods(api, "keep") == {"keep-0": "k"}
ctl.enqueue("job"); assert ctl.run()  # reconciling a vanished object is a no-op

# 8. random drift and random faults always converge
rng = random.Random(7)
for trial in range(200):
    api, ctl, clock = setup()
    n, img = rng.randint(0, 5), rng.choice(["v1", "v2"])
    api.create("App", {"metadata": {"name": "a"}, "spec": {"replicas": n, "image": img}})
    for i in range(rng.randint(0, 8)):
        name = f"a-{rng.randint(0, 7)}"
        if ("Pod", name) not in api.objects:
            api.create("Pod", {"metadata": {"name": name, "owner": "a"}, "spec": {"image": rng.choice(["v1", "v2", "v0"])}})
    api.faults = [(rng.choice(["get", "list", "create", "update", "delete"]),
                   rng.choice([Unavailable(), Conflict()])) for _ in range(rng.randint(0, 6))]
    ctl.enqueue("a")
    assert ctl.run(), "did not converge"
    assert pods(api, "a") == {f"a-{i}": img for i in range(n)}, (trial, pods(api, "a"))
    w = api.writes; ctl.enqueue("a"); ctl.run(); assert api.writes == w
print("reconcile checks passed")

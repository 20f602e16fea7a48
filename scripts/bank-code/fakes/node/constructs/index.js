"use strict";
// Stand-in for the `constructs` package: a tree of constructs with ids, as CDK v2 uses it.
class Construct {
  constructor(scope, id) {
    if (scope !== undefined && !(scope instanceof Construct)) throw new TypeError("scope must be a Construct");
    if (scope && (typeof id !== "string" || !id)) throw new TypeError("id must be a non-empty string");
    this.node = { id, scope, children: [], path: scope && scope.node.path ? `${scope.node.path}/${id}` : id || "" };
    if (scope) {
      if (scope.node.children.some((c) => c.node.id === id)) {
        throw new Error(`There is already a Construct with name '${id}' in ${scope.constructor.name}`);
      }
      scope.node.children.push(this);
    }
  }
}
module.exports = { Construct };

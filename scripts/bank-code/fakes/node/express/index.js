"use strict";
// A small stand-in for Express 4 (npm is not reachable here), on node:http, keeping the behaviour
// the bank's answers rely on: express(), app.use([path], ...fns), app.get/post/put/patch/delete
// with ":param" paths (case-insensitive, optional trailing slash), error middleware (4 arguments),
// next(err) and next(), Express 4's default 404 and error handler (err.status or 500), and NO
// catching of rejected promises from async handlers (Express 5 does that; Express 4 does not).
// req: params, query (repeated keys -> arrays), path, baseUrl, originalUrl, method, body,
// header()/get(), route.path. res: status(), set()/header(), get(), type(), json(), send(),
// sendStatus(), locals. express.json() parses application/json bodies (400 on bad JSON).
const http = require("node:http");

function compile(path, end) {
  const keys = [];
  const src = path.replace(/\/+$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/\\?:(\w+)/g, (_, k) => { keys.push(k); return "([^/]+?)"; });
  return { re: new RegExp(`^${src}${end ? "\\/?$" : "(?=\\/|$)"}`, "i"), keys };
}

function decorate(req, res, app) {
  const url = new URL(req.url, "http://localhost");
  req.originalUrl = req.url;
  req.path = url.pathname;
  req.baseUrl = "";
  req.query = {};
  for (const [k, v] of url.searchParams) {
    req.query[k] = k in req.query ? [].concat(req.query[k], v) : v;
  }
  req.params = {};
  req.app = app;
  req.get = req.header = (name) => {
    const n = name.toLowerCase();
    if (n === "referer" || n === "referrer") return req.headers.referer || req.headers.referrer;
    return req.headers[n];
  };
  res.locals = {};
  res.status = (code) => { res.statusCode = code; return res; };
  res.set = res.header = (field, value) => {
    if (typeof field === "object") { for (const [k, v] of Object.entries(field)) res.setHeader(k, String(v)); }
    else res.setHeader(field, Array.isArray(value) ? value.map(String) : String(value));
    return res;
  };
  res.get = (field) => res.getHeader(field);
  res.type = (t) => res.set("Content-Type", t.includes("/") ? t : t === "json" ? "application/json" : `text/${t}`);
  res.send = (body) => {
    if (body !== null && typeof body === "object" && !Buffer.isBuffer(body)) return res.json(body);
    let buf = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    if (typeof body === "string") {
      const ct = res.getHeader("Content-Type") || "text/html";
      res.setHeader("Content-Type", /charset=/i.test(ct) ? ct : `${ct}; charset=utf-8`);
    }
    if (res.statusCode === 204 || res.statusCode === 304) buf = Buffer.alloc(0);
    res.setHeader("Content-Length", buf.length);
    res.end(req.method === "HEAD" ? undefined : buf);
    return res;
  };
  res.json = (obj) => {
    if (!res.getHeader("Content-Type")) res.setHeader("Content-Type", "application/json; charset=utf-8");
    return res.send(JSON.stringify(obj) ?? "");
  };
  res.sendStatus = (code) => res.status(code).type("text/plain").send(http.STATUS_CODES[code] || String(code));
}

function express() {
  const stack = [];
  const app = (req, res) => app.handle(req, res);
  const add = (method, path, fns, end) => {
    for (const fn of fns.flat()) {
      if (typeof fn !== "function") throw new TypeError(`${method || "use"}() requires a function`);
      stack.push({ method, path, fn, ...compile(path, end) });
    }
  };
  app.use = (path, ...fns) => {
    if (typeof path === "function" || Array.isArray(path)) { fns.unshift(path); path = "/"; }
    add(null, path === "/" ? "" : path, fns, false);
    return app;
  };
  for (const m of ["get", "post", "put", "patch", "delete", "all"]) {
    app[m] = (path, ...fns) => { add(m === "all" ? "ALL" : m.toUpperCase(), path, fns, true); return app; };
  }
  app.handle = (req, res) => {
    decorate(req, res, app);
    let i = 0;
    const next = (err) => {
      if (err === "route") err = undefined;
      while (i < stack.length) {
        const layer = stack[i++];
        if (layer.method && layer.method !== "ALL" && layer.method !== req.method &&
            !(layer.method === "GET" && req.method === "HEAD")) continue;
        const m = layer.re.exec(req.path);
        if (!m) continue;
        const isErrorHandler = layer.fn.length === 4;
        if (Boolean(err) !== isErrorHandler) continue;
        if (layer.method) {
          req.params = Object.fromEntries(layer.keys.map((k, j) => [k, decodeURIComponent(m[j + 1])]));
          req.route = { path: layer.path, method: layer.method.toLowerCase() };
        }
        try {
          // Express 4: the return value (a promise from an async handler) is ignored.
          if (isErrorHandler) layer.fn(err, req, res, next);
          else layer.fn(req, res, next);
        } catch (e) {
          next(e);
        }
        return;
      }
      finalHandler(err, req, res);
    };
    next();
  };
  app.listen = (...args) => http.createServer(app).listen(...args);
  return app;
}

function finalHandler(err, req, res) {
  if (res.headersSent) { if (err) req.socket.destroy(); return; }
  if (err) {
    const status = err.status || err.statusCode || 500;
    if (status >= 500 && process.env.NODE_ENV !== "test") console.error(err.stack || String(err));
    res.status(status >= 400 && status < 600 ? status : 500).type("text/html")
      .send(`<pre>${http.STATUS_CODES[res.statusCode]}</pre>`);
  } else {
    res.status(404).type("text/html").send(`<pre>Cannot ${req.method} ${req.path}</pre>`);
  }
}

express.json = (opts = {}) => (req, res, next) => {
  req.body = req.body ?? {};
  const type = String(req.headers["content-type"] || "");
  if (!/^application\/([\w.+-]+\+)?json/i.test(type) || req.method === "GET" || req.method === "HEAD") return next();
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    if (raw.length === 0) return next();
    try {
      req.body = JSON.parse(raw);
    } catch (e) {
      e.status = 400;
      e.type = "entity.parse.failed";
      return next(e);
    }
    next();
  });
  req.on("error", next);
};

module.exports = express;
module.exports.default = express;
module.exports.express = express;

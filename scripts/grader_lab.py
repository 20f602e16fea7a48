#!/usr/bin/env python3
"""The grader's laboratory (issue 13): features and a logistic fit on the labelled set, cross-validated.

    python3 scripts/grader_lab.py

Reads the bank (Assets/*.json, for term rarity and the model answers), the glossary
(Assets/grading/glossary.json) and the labelled set (Tests/PrepdeckCoreTests/Fixtures/grading/set-a.json,
set-b.json). Prints precision and recall of "covered" when fitted on one half and scored on the other (cv,
pooled over both directions), and when fitted and scored on all, then the fitted weights. This is where
the grader's design is tried before it is written in Swift; see docs/grading.md. Standard library only,
deterministic (no set-order or hash dependence).

Pipeline, per (answer, key point):
  text -> fold -> raw tokens -> stem (+ truncate) -> glossary groups -> drop stop words   (normalise)
  key point K (its terms), support S (model-answer sentence that best matches K, plus the next one)
  eleven cheap features (see FEATURES) -> logistic with fixed weights -> covered if p >= THRESHOLD
"""
import json, glob, re, math, os, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------
STOP_WORDS = """a an the and or of to in on for with by at from as is are was were be been being it its this that these those
i we you they he she them our your their my me us not no but if then than so such can could would should will may might must
do does did done have has had into out over under up down about per via vs versus also just only very more most less least
each every any all some both either neither one two use used using uses make makes made get gets got when where which who whom
what why how there here while until after before because since though although yet again once other another same own""".split()
# negation / contrast cues, as tokens ("don't" tokenises to "don" "t"; "can" and "t" alone are not cues)
NEGATIONS = "not no never without instead cannot don doesn didn isn aren wasn won shouldn couldn wouldn".split()
STEM_TRUNCATE = 7            # alphabetic stems longer than this are cut to this many letters
ARROW, LE, GE = "\u2192", "\u2264", "\u2265"
TOKEN_RE = re.compile("[" + LE + GE + ARROW + r"]|[a-z0-9]*[0-9](?:\.[0-9]+)+|[a-z0-9]+(?:[+#]+[a-z0-9]*)?")
SENTENCE_RE = re.compile(r"(?<=[.!?;:])\s+|\n+")


def fold(text):
    """Lower case, accents removed (NFKD, combining marks dropped)."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def raw_tokens(text):
    """Operators kept as one-character tokens (<= >= -> =>), '-', '/', '_' split words, dotted numbers
    (p99.9, 1.11) kept whole, other dots split, c++ / c# kept."""
    s = fold(text)
    s = s.replace("<=", f" {LE} ").replace(">=", f" {GE} ").replace("->", f" {ARROW} ").replace("=>", f" {ARROW} ")
    s = s.replace("-", " ").replace("/", " ").replace("_", " ")
    return TOKEN_RE.findall(s)


def stem(w):
    """A light, consistent suffix stemmer. Only alphabetic words longer than 3 letters are touched."""
    if len(w) <= 3 or not w.isalpha():
        return w
    # 1. plural / 3rd person
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "i"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("es") and len(w) > 4 and (w[-3] in "xz" or w[-4:-2] in ("ch", "sh", "ss")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    # 2. -ing / -ed (stem keeps >= 3 letters with a vowel); undouble a final consonant except l, s, z
    for suf in ("ing", "ed"):
        if w.endswith(suf) and len(w) - len(suf) >= 3 and any(c in "aeiouy" for c in w[:-len(suf)]):
            w = w[:-len(suf)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    # 3. one derivational suffix, if at least 4 letters remain
    for suf in ("ization", "isation", "ation", "ness", "ment", "ity", "ly", "er", "or"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[:-len(suf)]
            break
    # 4. final e; final y or i (so retry / retries / retried meet)
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if w[-1] in "yi" and len(w) > 4:
        w = w[:-1]
    # 5. prefix match for long words: truncate
    if len(w) > STEM_TRUNCATE:
        w = w[:STEM_TRUNCATE]
    return w


def tokens(text):
    return [stem(t) for t in raw_tokens(text)]


STOP = frozenset(stem(w) for w in STOP_WORDS + [ARROW])
NEG = frozenset(stem(w) for w in NEGATIONS)


class Lexicon:
    """Glossary phrases and term rarity, built once from the bank."""

    def __init__(self, bank, glossary):
        self.phrases = {}                 # tuple of stems -> group id "§<index>"
        self.group_parts = {}             # group id -> rare single words of its multi-word terms
        for gi, group in enumerate(glossary):
            for term in group["terms"]:
                p = tuple(tokens(term))
                if p:
                    self.phrases[p] = f"§{gi}"
        self.max_phrase = max(len(p) for p in self.phrases)
        self.df = {}
        for q in bank:
            text = q["prompt"] + " " + q["answer"] + " " + " ".join(q["keyPoints"])
            for t in set(self.terms(text)):
                self.df[t] = self.df.get(t, 0) + 1
        self.n = len(bank)
        for gi, group in enumerate(glossary):
            parts = set()
            for term in group["terms"]:
                ts = tokens(term)
                if len(ts) > 1:
                    parts |= {t for t in ts if t not in STOP and self.df.get(t, 0) <= 0.1 * self.n}
            self.group_parts[f"§{gi}"] = frozenset(parts)

    def canon(self, toks):
        """Glossary phrases (longest first, left to right) replaced by their group id."""
        out, i = [], 0
        while i < len(toks):
            for n in range(min(self.max_phrase, len(toks) - i), 0, -1):
                g = self.phrases.get(tuple(toks[i:i + n]))
                if g:
                    out.append(g)
                    i += n
                    break
            else:
                out.append(toks[i])
                i += 1
        return out

    def terms(self, text):
        """Content terms of a text: tokens, glossary groups, stop words dropped."""
        return [t for t in self.canon(tokens(text)) if t not in STOP]

    def sentence_terms(self, text):
        """(content terms, all terms incl. stop words) per non-empty sentence."""
        out = []
        for s in SENTENCE_RE.split(text):
            if s.strip():
                allt = self.canon(tokens(s))
                out.append(([t for t in allt if t not in STOP], allt))
        return out

    def idf(self, t):
        return math.log((self.n + 1) / (self.df.get(t, 0) + 1)) + 0.5


# ---------------------------------------------------------------------------------------------------
# Per question: key-point terms and support (computed once per question, cacheable in the app)
# ---------------------------------------------------------------------------------------------------
GROUP_PART_CREDIT = 0.5      # a glossary group in K half-matched by one of its rare words ("breaker")
MECHANISM_TERMS = 2          # the key point's rarest terms


def credit(lex, t, present):
    if t in present:
        return 1.0
    if t in lex.group_parts and not lex.group_parts[t].isdisjoint(present):
        return GROUP_PART_CREDIT
    return 0.0


def k_share(lex, kp, present):
    """IDF-weighted share of the key point's terms present in a set of terms."""
    return sum(lex.idf(t) * credit(lex, t, present) for t in kp["K"]) / kp["wK"]


def s_share(kp, present):
    return sum(v for t, v in kp["S"] if t in present) / kp["wS"]


def prepare_question(lex, model_answer, key_points):
    model = [c for c, _ in lex.sentence_terms(model_answer) if c]
    kts = [lex.terms(k) for k in key_points]
    all_k = set(t for kt in kts for t in kt)
    kps = []
    for kt in kts:
        K = sorted(set(kt))
        # support: the model-answer sentence sharing most IDF weight with K (first on ties), plus the next
        # sentence; their terms that are no key point's terms, weighted by IDF.
        best, best_i = 0.0, -1
        for i, s in enumerate(model):
            v = sum(lex.idf(t) for t in K if t in set(s))
            if v > best:
                best, best_i = v, i
        S = {}
        if best_i >= 0:
            for s in model[best_i:best_i + 2]:
                for t in s:
                    if t not in all_k:
                        S[t] = lex.idf(t)
        S = sorted(S.items())
        kps.append(dict(
            K=K, wK=sum(lex.idf(t) for t in K) or 1.0,
            S=S, wS=sum(v for _, v in S) or 1.0,
            mech=sorted(K, key=lambda t: (-lex.idf(t), t))[:MECHANISM_TERMS],
            bigrams=list(zip(kt, kt[1:])),
        ))
    return kps


# ---------------------------------------------------------------------------------------------------
# Per answer: the features of every key point
# ---------------------------------------------------------------------------------------------------
FEATURES = ["k_all", "s_all", "k_s_all", "k_sent", "s_sent", "own_len", "ans_len", "phrase", "echo", "mech", "neg"]


def answer_features(lex, kps, answer):
    sents = lex.sentence_terms(answer) or [([], [])]
    sets = [set(c) for c, _ in sents]
    present = set().union(*sets)
    n_terms = sum(len(c) for c, _ in sents)
    # attribution: each sentence's terms are counted for the key point it matches best (first on ties)
    own = [0] * len(kps)
    for (c, _), st in zip(sents, sets):
        shares = [k_share(lex, kp, st) for kp in kps]
        if shares and max(shares) > 0:
            own[shares.index(max(shares))] += len(c)
    ans_len = math.log(1 + n_terms / max(1, len(kps))) / 4
    rows = []
    for j, kp in enumerate(kps):
        k_all, s_all = k_share(lex, kp, present), s_share(kp, present)
        # best sentence: highest k + s, then highest k, then first
        best = (-1.0, -1.0, 0)
        for i, st in enumerate(sets):
            k, s = k_share(lex, kp, st), s_share(kp, st)
            if (k + s, k) > best[:2]:
                best = (k + s, k, i)
        i = best[2]
        seq, st, raw = sents[i][0], sets[i], sents[i][1]
        k_sent, s_sent = k_share(lex, kp, st), s_share(kp, st)
        sent_bigrams = set(zip(seq, seq[1:]))
        phrase = sum(1 for b in kp["bigrams"] if b in sent_bigrams) / max(1, len(kp["bigrams"]))
        mech = sum(1 for t in kp["mech"] if t in present) / max(1, len(kp["mech"]))
        neg = 1.0 if any(t in NEG for t in raw) else 0.0
        echo = k_sent * phrase if s_sent == 0 else 0.0      # repeats the point's wording, none of its support
        rows.append([k_all, s_all, k_all * s_all, k_sent, s_sent,
                     math.log(1 + own[j]) / 4, ans_len, phrase, echo, mech, neg])
    return rows


# ---------------------------------------------------------------------------------------------------
# Logistic fit (Newton steps, L2 on the weights, not the bias) and scoring
# ---------------------------------------------------------------------------------------------------
L2 = 1.0


def sigmoid(z):
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[r][c]:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(xs, ys, l2=L2, iters=30):
    d = len(xs[0]) + 1
    w = [0.0] * d
    for _ in range(iters):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for x, y in zip(xs, ys):
            xx = x + [1.0]
            p = sigmoid(sum(a * b for a, b in zip(w, xx)))
            for i in range(d):
                g[i] += (p - y) * xx[i]
                for k in range(i, d):
                    h[i][k] += p * (1 - p) * xx[i] * xx[k]
        for i in range(d):
            for k in range(i):
                h[i][k] = h[k][i]
            if i < d - 1:
                h[i][i] += l2
                g[i] += l2 * w[i]
        step = solve(h, g)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return w


def probability(w, x):
    return sigmoid(sum(a * b for a, b in zip(w, x + [1.0])))


def precision_recall(pred, ys):
    tp = sum(1 for p, y in zip(pred, ys) if p and y)
    fp = sum(1 for p, y in zip(pred, ys) if p and not y)
    fn = sum(1 for p, y in zip(pred, ys) if y and not p)
    return round(tp / max(1, tp + fp), 3), round(tp / max(1, tp + fn), 3)


def balanced_threshold(ps, ys):
    """The threshold (0.20 … 0.70, step 0.01) maximising min(precision, recall); lowest on ties."""
    return max(((min(precision_recall([p >= t / 100 for p in ps], ys)), -t) for t in range(20, 71)))[1] / -100


# ---------------------------------------------------------------------------------------------------
def load():
    bank = [q for f in sorted(glob.glob(os.path.join(ROOT, "Assets/*.json"))) for q in json.load(open(f))["questions"]]
    glossary = json.load(open(os.path.join(ROOT, "Assets/grading/glossary.json")))["glossary"]
    lex = Lexicon(bank, glossary)
    by_id = {q["id"]: q for q in bank}
    rows = []                      # (set, style, features, covered)
    for name in ("set-a", "set-b"):
        d = json.load(open(os.path.join(ROOT, f"Tests/PrepdeckCoreTests/Fixtures/grading/{name}.json")))
        for it in d["items"]:
            kps = prepare_question(lex, by_id[it["question"]]["answer"], it["keyPoints"])
            for a in it["answers"]:
                for x, y in zip(answer_features(lex, kps, a["text"]), a["covered"]):
                    rows.append((name, a["style"], x, 1 if y else 0))
    return rows


def main():
    rows = load()
    half = {n: [r for r in rows if r[0] == n] for n in ("set-a", "set-b")}
    xs = lambda rs: [r[2] for r in rs]
    ys = lambda rs: [r[3] for r in rs]
    w_a, w_b, w_all = fit(xs(half["set-a"]), ys(half["set-a"])), fit(xs(half["set-b"]), ys(half["set-b"])), fit(xs(rows), ys(rows))
    cv_rows = half["set-a"] + half["set-b"]
    cv_p = [probability(w_b, x) for x in xs(half["set-a"])] + [probability(w_a, x) for x in xs(half["set-b"])]
    all_p = [probability(w_all, x) for x in xs(rows)]
    cv_y, all_y = ys(cv_rows), ys(rows)
    th = balanced_threshold(cv_p, cv_y)
    print(f"{len(rows)} pairs, {len(FEATURES)} features; P, R of 'covered'")
    for t in sorted({0.34, 0.36, 0.38, 0.40, 0.42, 0.44, th}):
        mark = "  <- chosen" if t == th else ""
        print(f"  threshold {t:.2f}: cv {precision_recall([p >= t for p in cv_p], cv_y)}"
              f"  all-fit {precision_recall([p >= t for p in all_p], all_y)}{mark}")
    # stricter cv: each half's threshold chosen on its own training fit, not on the pooled cv scores
    t_a = balanced_threshold([probability(w_a, x) for x in xs(half["set-a"])], ys(half["set-a"]))
    t_b = balanced_threshold([probability(w_b, x) for x in xs(half["set-b"])], ys(half["set-b"]))
    nested = [probability(w_b, x) >= t_b for x in xs(half["set-a"])] + [probability(w_a, x) >= t_a for x in xs(half["set-b"])]
    print(f"  cv with the threshold also fitted on the training half ({t_a:.2f} / {t_b:.2f}): {precision_recall(nested, cv_y)}")
    print(f"per style at {th:.2f} (cv): ticked / labelled covered / pairs")
    for style in ("full", "partial", "name-only", "off-topic"):
        idx = [i for i, r in enumerate(cv_rows) if r[1] == style]
        print(f"  {style:9s} ticked {sum(cv_p[i] >= th for i in idx):3d}  covered {sum(cv_y[i] for i in idx):3d}"
              f"  pairs {len(idx)}  false ticks {sum(cv_p[i] >= th and not cv_y[i] for i in idx)}")
    print(f"final weights (fitted on all), threshold {th:.2f}:")
    for n, v in zip(FEATURES + ["bias"], w_all):
        print(f"  {n:8s} {v:+.4f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prints docs/question-bank.md: how the bundled question bank is organised, the rules it follows,
and its coverage (topic x difficulty, topic x kind, counts per file, answer lengths).

    python3 scripts/bank_coverage.py > docs/question-bank.md

Standard library only. Reads Assets/*.json relative to the repository root (the parent of this
script's directory), so it can be run from anywhere. The rules are enforced by
Tests/PrepdeckCoreTests/BankContentTests.swift; the thresholds below mirror that file.
"""

import glob
import itertools
import json
import os
import re
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMAND = "python3 scripts/bank_coverage.py > docs/question-bank.md"

# Mirrors BankContent in Tests/PrepdeckCoreTests/BankContentTests.swift.
TOPICS = [
    "api-design", "service-data-modeling", "database-design", "query-optimization", "authn-authz",
    "scalability-performance", "caching", "reliability", "observability", "security", "testing",
    "deployment-release", "nodejs", "python", "java", "postgresql", "mongodb", "aws", "azure",
    "concurrency", "messaging", "system-design", "role-and-process",
    # Second edition (issue 15).
    "distributed-systems", "storage-engines", "mysql", "search", "networking", "go", "dotnet",
    "kubernetes", "stream-processing", "privacy", "algorithms",
]
DIFFICULTIES = ["easy", "medium", "hard"]
KINDS = ["technical", "system-design", "coding", "behavioral", "ask-the-interviewer"]
MIN_QUESTIONS = 550
MIN_PER_TOPIC = 12
MIN_PER_KIND = {"system-design": 40, "coding": 30, "behavioral": 20, "ask-the-interviewer": 25}
MIN_DIFFICULTY_SHARE = 0.20
MIN_ANSWER_WORDS = 150
MIN_MEDIAN_ANSWER_WORDS = 250
MAX_KEY_POINT_CHARS = 120
KEY_POINTS = (3, 8)
MAX_PROMPT_SIMILARITY = 0.6
SEED_IDS = [
    "caching-product-catalog", "optimistic-locking-inventory", "zero-downtime-not-null-migration",
    "multi-region-social-app", "payment-service-testing-strategy",
]


def load():
    files = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Assets", "*.json"))):
        with open(path, encoding="utf-8") as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as e:
                sys.exit(f"{os.path.relpath(path, ROOT)}:{e.lineno}:{e.colno}: {e.msg}")
        files.append((os.path.relpath(path, ROOT), data))
    if not files:
        sys.exit("no Assets/*.json found under " + ROOT)
    return files


def answer_words(text):
    """Words of an answer: runs of non-whitespace (what `wc -w` counts)."""
    return len(text.split())


def shingles(text):
    words = re.findall(r"[^\W_]+", text.lower())
    if len(words) < 3:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}


def max_prompt_similarity(questions):
    sets = [(q["id"], shingles(q["prompt"])) for q in questions]
    best = (0.0, "", "")
    for (ia, a), (ib, b) in itertools.combinations(sets, 2):
        if not a and not b:
            continue
        inter = len(a & b)
        sim = inter / (len(a) + len(b) - inter)
        if sim > best[0]:
            best = (sim, ia, ib)
    return best


def fences(text):
    """(labels of opening fences, closed?) for the ``` code blocks of a Markdown text."""
    labels, inside = [], False
    for line in text.split("\n"):
        t = line.strip()
        if t.startswith("```"):
            if not inside:
                labels.append(t[3:].strip())
            inside = not inside
    return labels, not inside


def table(header, rows, left=1):
    """A Markdown table; the first `left` columns are left-aligned, the rest (numbers) right-aligned."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i < left else "---:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def mark(ok):
    return "yes" if ok else "**NO**"


def main():
    files = load()
    questions = [q for _, data in files for q in data["questions"]]
    n = len(questions)
    words = [answer_words(q["answer"]) for q in questions]
    by_diff = {d: sum(q["difficulty"] == d for q in questions) for d in DIFFICULTIES}
    by_kind = {k: sum(q["kind"] == k for q in questions) for k in KINDS}
    topic_diff = {}
    topic_kind = {}
    for q in questions:
        for t in q["topics"]:
            topic_diff.setdefault(t, dict.fromkeys(DIFFICULTIES, 0))[q["difficulty"]] += 1
            topic_kind.setdefault(t, dict.fromkeys(KINDS, 0))[q["kind"]] += 1
    topics = TOPICS + sorted(t for t in topic_diff if t not in TOPICS)
    unknown = [t for t in topic_diff if t not in TOPICS]
    per_topic = {t: sum(topic_diff.get(t, {}).values()) for t in topics}
    ids = [q["id"] for q in questions]
    dup_ids = sorted({i for i in ids if ids.count(i) > 1})
    kp_counts = [len(q["keyPoints"]) for q in questions]
    kp_longest = max(len(p) for q in questions for p in q["keyPoints"])
    sim, sim_a, sim_b = max_prompt_similarity(questions)
    fence_labels = []
    fences_ok = True
    for q in questions:
        for field in ("prompt", "answer"):
            labels, closed = fences(q[field])
            fence_labels += labels
            fences_ok = fences_ok and closed and all(labels)
    lang_counts = {}
    for label in fence_labels:
        lang_counts[label or "(none)"] = lang_counts.get(label or "(none)", 0) + 1
    present = set(ids)

    p = print
    p("# The question bank")
    p()
    p(f"_Generated by `{COMMAND}`. Do not edit this file by hand: change the script or the bank and run it again._")
    p()
    p("## How the bank is organised")
    p()
    p("The bundled bank is the JSON files in `Assets/`, one file per topic area. Each file is one deck")
    p("(`\"format\": \"prepdeck-bank\"`, `\"version\": 1`, a `deck` with `id` and `title`, and its `questions`);")
    p("prepdeck loads every file and merges them into one catalogue, so question ids are unique across all")
    p("files. A question has an `id` (lowercase words joined by `-`), `title`, `prompt`, `difficulty`")
    p("(`easy` `medium` `hard`), `kind` (`technical` `system-design` `coding` `behavioral`")
    p("`ask-the-interviewer`), `topics` (ids from the list below), a Markdown `answer` (the model answer),")
    p("`keyPoints` (the self-assessment rubric) and optionally `followUps`, `followUpAnswers` (a short model")
    p("answer for each follow-up, same order) and `timeLimitMinutes`. The")
    p("decoder and its error messages are `BankFormat.decode` in `Sources/PrepdeckCore/Question.swift`.")
    p()
    p("A question usually carries more than one topic, so the topic tables below add up to more than the")
    p("number of questions. `seed.json` holds the five classic questions the bank started from.")
    p()
    p("Every `coding` question's code is run: `scripts/run-bank-code` extracts the answer's code and runs it")
    p("with the question's check in `scripts/bank-code/` (the failure cases the answer promises to handle,")
    p("not only the happy path), in CI too; see `scripts/bank-code/README.md`. Each file of the second")
    p("edition was read by a second reviewer who ran its code and checked its claims before it landed.")
    p()
    p("## Totals")
    p()
    p(f"- **{n} questions** in {len(files)} files, {len(topic_diff)} topics")
    p("- by difficulty: " + ", ".join(f"{d} {by_diff[d]} ({by_diff[d] * 100 / n:.0f} %)" for d in DIFFICULTIES))
    p("- by kind: " + ", ".join(f"{k} {by_kind[k]}" for k in KINDS))
    p(f"- answer length: median {statistics.median(words):g} words, minimum {min(words)}, maximum {max(words)}")
    p(f"- key points per question: {min(kp_counts)}–{max(kp_counts)} (median {statistics.median(kp_counts):g}); longest key point {kp_longest} characters")
    fu = sum(len(q.get("followUps") or []) for q in questions)
    fua = sum(len(q.get("followUpAnswers") or []) for q in questions)
    p(f"- follow-ups: {fu}, of which {fua} have a model answer (`followUpAnswers`)")
    checks = set(os.listdir(os.path.join(ROOT, "scripts", "bank-code"))) if os.path.isdir(os.path.join(ROOT, "scripts", "bank-code")) else set()
    coding = [q["id"] for q in questions if q["kind"] == "coding"]
    checked = sum(any(f"{i}.{e}" in checks for e in ("py", "js", "java", "go", "sql")) for i in coding)
    p(f"- coding questions with a check that runs their code: {checked} of {len(coding)}")
    p(f"- fenced code blocks: {len(fence_labels)} ("
      + ", ".join(f"{lang} {c}" for lang, c in sorted(lang_counts.items(), key=lambda kv: (-kv[1], kv[0]))) + ")")
    p()
    p("## Rules")
    p()
    p("`swift test --filter BankContentTests` (`Tests/PrepdeckCoreTests/BankContentTests.swift`) enforces")
    p("these rules and names the offending question id when one breaks; this table shows where the bank")
    p("stands against each.")
    p()
    rows = [
        ("every file decodes; ids unique across files", "—", f"{len(dup_ids)} duplicate ids", mark(not dup_ids)),
        ("questions", f"≥ {MIN_QUESTIONS}", n, mark(n >= MIN_QUESTIONS)),
        ("questions per topic (each listed topic)", f"≥ {MIN_PER_TOPIC}",
         f"min {min(per_topic[t] for t in TOPICS)}", mark(all(per_topic[t] >= MIN_PER_TOPIC for t in TOPICS))),
        ("topics outside the list", "none", ", ".join(unknown) or "none", mark(not unknown)),
    ]
    rows += [(f"`{k}` questions", f"≥ {m}", by_kind[k], mark(by_kind[k] >= m)) for k, m in MIN_PER_KIND.items()]
    rows += [(f"`{d}` share", f"≥ {MIN_DIFFICULTY_SHARE * 100:.0f} %", f"{by_diff[d] * 100 / n:.1f} %",
              mark(by_diff[d] >= MIN_DIFFICULTY_SHARE * n)) for d in DIFFICULTIES]
    rows += [
        ("answer words (each)", f"≥ {MIN_ANSWER_WORDS}", f"min {min(words)}", mark(min(words) >= MIN_ANSWER_WORDS)),
        ("answer words (median)", f"≥ {MIN_MEDIAN_ANSWER_WORDS}", f"{statistics.median(words):g}",
         mark(statistics.median(words) >= MIN_MEDIAN_ANSWER_WORDS)),
        ("key points per question", f"{KEY_POINTS[0]}–{KEY_POINTS[1]}", f"{min(kp_counts)}–{max(kp_counts)}",
         mark(KEY_POINTS[0] <= min(kp_counts) and max(kp_counts) <= KEY_POINTS[1])),
        ("characters per key point", f"≤ {MAX_KEY_POINT_CHARS}", f"max {kp_longest}", mark(kp_longest <= MAX_KEY_POINT_CHARS)),
        ("prompt similarity, any two questions", f"≤ {MAX_PROMPT_SIMILARITY}",
         f"max {sim:.2f} (`{sim_a}`, `{sim_b}`)", mark(sim <= MAX_PROMPT_SIMILARITY)),
        ("code fences closed, each opening fence labelled", "all", "all" if fences_ok else "no", mark(fences_ok)),
        ("the five seed questions present", "5", sum(i in present for i in SEED_IDS), mark(all(i in present for i in SEED_IDS))),
    ]
    p(table(["rule", "required", "now", "holds"], rows, left=4))
    p()
    p("Words of an answer are runs of non-whitespace, as `wc -w` counts them. Prompt similarity is the")
    p("Jaccard similarity of the two prompts' sets of word 3-shingles (lowercase runs of letters and")
    p("digits). A code fence is a line whose trimmed text starts with ` ``` `; an opening fence names its")
    p("language (` ```sql `, ` ```python `, ` ```text `…). The seed questions keep the exact prompts of the")
    p("product's seed text (checked when that file is available), and the answer to")
    p("`optimistic-locking-inventory` shows code using a `version` column.")
    p()
    p("## Topic × difficulty")
    p()
    p(table(["topic"] + DIFFICULTIES + ["total"],
            [[f"`{t}`"] + [topic_diff.get(t, {}).get(d, 0) for d in DIFFICULTIES] + [per_topic[t]] for t in topics]
            + [["**all questions**"] + [by_diff[d] for d in DIFFICULTIES] + [n]]))
    p()
    p("## Topic × kind")
    p()
    p(table(["topic"] + KINDS + ["total"],
            [[f"`{t}`"] + [topic_kind.get(t, {}).get(k, 0) for k in KINDS] + [per_topic[t]] for t in topics]
            + [["**all questions**"] + [by_kind[k] for k in KINDS] + [n]]))
    p()
    p("## Files")
    p()
    rows = []
    for name, data in files:
        qs = data["questions"]
        w = [answer_words(q["answer"]) for q in qs]
        rows.append([f"`{name}`", data["deck"]["title"], len(qs)]
                    + [sum(q["difficulty"] == d for q in qs) for d in DIFFICULTIES]
                    + [f"{statistics.median(w):g}" if w else "—", min(w) if w else "—"])
    p(table(["file", "deck", "questions"] + DIFFICULTIES + ["median words", "min words"], rows, left=2))
    p()
    p("## Adding a question")
    p()
    p("1. Pick the file of its topic area (or start a new file with its own `deck` when a new area does")
    p("   not fit any of them) and append the question object to `questions`.")
    p("2. Give it a new id (lowercase words joined by `-`, unique across all files; never reuse or rename")
    p("   an id: review history is keyed by it), the topics from the list above that it really covers")
    p("   (usually two or three), and a `kind` and `difficulty` that match what an interviewer would expect.")
    p(f"3. Write the model answer in Markdown: at least {MIN_ANSWER_WORDS} words, concrete (numbers,")
    p("   commands, trade-offs), with code in fenced blocks that name their language. Write")
    p(f"   {KEY_POINTS[0]}–{KEY_POINTS[1]} key points of at most {MAX_KEY_POINT_CHARS} characters each: the things an answer must cover.")
    p("4. Check that the prompt is not a rewording of an existing one, then run")
    p("   `swift test --filter BankContentTests` and fix whatever it names.")
    p(f"5. Regenerate this page: `{COMMAND}`.")
    p()
    p("## Review")
    p()
    p("Every file is read in full by a second reviewer, someone other than its author, for technical")
    p("errors: wrong facts, commands or code that would not work, outdated advice, answers that miss the")
    p("point of the prompt, and key points the answer does not support. A change to a file is reviewed the")
    p("same way before it is merged. The tests above check shape and coverage only; they cannot tell a")
    p("correct answer from a wrong one, which is what the review is for.")


if __name__ == "__main__":
    main()

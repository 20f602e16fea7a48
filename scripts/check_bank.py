#!/usr/bin/env python3
"""Checks bank files against the content rules of BankContentTests, question by question, fast,
without building the Swift package. For authors:

    python3 scripts/check_bank.py Assets/distributed-systems.json      # one file (ids checked against all)
    python3 scripts/check_bank.py                                       # every Assets/*.json

Prints one line per problem (file, question id, rule) and exits 1 if there is any. The Swift tests
(`swift test --filter BankContentTests`) remain the authority; this mirrors their per-question rules.
"""

import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bank_coverage as bc  # noqa: E402

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def main(argv):
    root = bc.ROOT
    every = sorted(glob.glob(os.path.join(root, "Assets", "*.json")))
    targets = [os.path.abspath(a) for a in argv] or every
    problems = []
    all_questions = []  # (file, q) over every Assets file plus the targets
    seen_files = set()
    for path in every + [t for t in targets if t not in every]:
        if path in seen_files:
            continue
        seen_files.add(path)
        rel = os.path.relpath(path, root)
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except json.JSONDecodeError as e:
            problems.append(f"{rel}:{e.lineno}:{e.colno}: {e.msg}")
            continue
        if data.get("format") != "prepdeck-bank" or data.get("version") != 1:
            problems.append(f"{rel}: format must be prepdeck-bank, version 1")
        deck = data.get("deck") or {}
        if not isinstance(deck.get("id"), str) or not isinstance(deck.get("title"), str):
            problems.append(f"{rel}: deck needs an id and a title")
        for q in data.get("questions", []):
            all_questions.append((rel, q))
    by_id = {}
    for rel, q in all_questions:
        by_id.setdefault(q.get("id"), []).append(rel)
    target_rels = {os.path.relpath(t, root) for t in targets}
    for rel, q in all_questions:
        if rel not in target_rels:
            continue
        qid = q.get("id")
        where = f"{rel}: {qid}"
        for field in ("id", "title", "prompt", "answer"):
            if not isinstance(q.get(field), str) or not q.get(field).strip():
                problems.append(f"{where}: missing or empty {field}")
        if not isinstance(qid, str) or not ID.match(qid):
            problems.append(f"{where}: id must be lowercase words joined by -")
        if len(by_id.get(qid, [])) > 1:
            problems.append(f"{where}: duplicate id (in {', '.join(by_id[qid])})")
        if q.get("difficulty") not in bc.DIFFICULTIES:
            problems.append(f"{where}: difficulty must be one of {bc.DIFFICULTIES}")
        if q.get("kind") not in bc.KINDS:
            problems.append(f"{where}: kind must be one of {bc.KINDS}")
        topics = q.get("topics") or []
        if not topics:
            problems.append(f"{where}: no topics")
        for t in topics:
            if t not in bc.TOPICS:
                problems.append(f"{where}: topic {t!r} is not in the list")
        answer = q.get("answer") or ""
        words = bc.answer_words(answer)
        if words < bc.MIN_ANSWER_WORDS:
            problems.append(f"{where}: answer has {words} words (min {bc.MIN_ANSWER_WORDS})")
        labels, closed = bc.fences(answer)
        if not closed:
            problems.append(f"{where}: a code fence is not closed")
        if any(not l for l in labels):
            problems.append(f"{where}: an opening code fence has no language label")
        kps = q.get("keyPoints") or []
        if not (bc.KEY_POINTS[0] <= len(kps) <= bc.KEY_POINTS[1]):
            problems.append(f"{where}: {len(kps)} key points (want {bc.KEY_POINTS[0]}-{bc.KEY_POINTS[1]})")
        for k in kps:
            if len(k) > bc.MAX_KEY_POINT_CHARS:
                problems.append(f"{where}: key point over {bc.MAX_KEY_POINT_CHARS} characters: {k[:40]}…")
        fus = q.get("followUps")
        fua = q.get("followUpAnswers")
        if fua is not None:
            if not isinstance(fus, list) or not isinstance(fua, list) or len(fua) != len(fus):
                problems.append(f"{where}: followUpAnswers must have as many entries as followUps")
            elif any(not isinstance(a, str) or not a.strip() for a in fua):
                problems.append(f"{where}: an empty follow-up answer")
            else:
                for a in fua:
                    labels, closed = bc.fences(a)
                    if not closed or any(not l for l in labels):
                        problems.append(f"{where}: a follow-up answer has an unlabelled or unclosed fence")
        tl = q.get("timeLimitMinutes")
        if tl is not None and not (isinstance(tl, (int, float)) and 0 < tl <= 120):
            problems.append(f"{where}: timeLimitMinutes must be a number of minutes, 1-120")
    # Near-duplicate prompts: any pair involving a target question.
    sh = [(rel, q.get("id"), bc.shingles(q.get("prompt") or "")) for rel, q in all_questions]
    for i, (ra, ia, a) in enumerate(sh):
        for rb, ib, b in sh[i + 1:]:
            if ra not in target_rels and rb not in target_rels:
                continue
            if not a and not b:
                continue
            inter = len(a & b)
            sim = inter / (len(a) + len(b) - inter)
            if sim > bc.MAX_PROMPT_SIMILARITY:
                problems.append(f"{ra}: {ia}: prompt too similar to {ib} ({sim:.2f})")
    for p in problems:
        print(p)
    n = sum(1 for rel, _ in all_questions if rel in target_rels)
    print(f"{n} questions checked, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""The grader's laboratory (issue 13): features and a logistic fit on the labelled set, cross-validated.

    python3 scripts/grader_lab.py

Reads the bank (Assets/*.json, for term rarity and the model answers), the glossary
(Assets/grading/glossary.json) and the labelled set (Tests/PrepdeckCoreTests/Fixtures/grading/set-a.json,
set-b.json). Prints precision and recall when fitted on one half and scored on the other (cv), and when
fitted and scored on all. This is where the grader's design is tried before it is written in Swift; see
docs/grading.md. Standard library only.
"""
import json, glob, re, math, os, unicodedata, sys
ROOT=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BANK=[q for f in sorted(glob.glob(os.path.join(ROOT,'Assets/*.json'))) for q in json.load(open(f))['questions']]
BYID={q['id']:q for q in BANK}
GLOSS=json.load(open(os.path.join(ROOT,'Assets/grading/glossary.json')))['glossary']
STOP=set("""a an the and or of to in on for with by at from as is are was were be been being it its this that these those
i we you they he she them our your their my me us not no but if then than so such can could would should will may might must
do does did done have has had into out over under up down about per via vs versus also just only very more most less least
each every any all some both either neither one two use used using uses make makes made get gets got when where which who whom
what why how there here while until after before because since though although yet again once other another same own""".split())
def fold(s):
    s=unicodedata.normalize('NFKD',s.lower())
    return ''.join(c for c in s if not unicodedata.combining(c))
def stem(w):
    if len(w)<=3 or w.isdigit(): return w
    for suf in ('izations','ization','ations','ation','ements','ement','ments','ment','ities','ity','ness','ings','ing','ies','ied','edly','ed','ers','ly','es','s'):
        if suf=='s' and (w.endswith('ss') or w.endswith('us') or w.endswith('is')): break
        if w.endswith(suf) and len(w)-len(suf)>=3:
            w=w[:-len(suf)]
            if suf in('ies','ied'): w+='y'
            break
    return w
TOK=re.compile(r"[a-z0-9]+(?:[+#][a-z0-9+#]*)?")
def tokens(s):
    return [stem(t) for t in TOK.findall(fold(s).replace('-',' ').replace('/',' '))]
# glossary: map phrase (tuple of stems) -> canonical id
PHR={}
for gi,g in enumerate(GLOSS):
    for t in g['terms']:
        PHR[tuple(tokens(t))]=f"§{gi}"
MAXP=max(len(p) for p in PHR)
def canon(toks):
    out=[];i=0
    while i<len(toks):
        for L in range(min(MAXP,len(toks)-i),0,-1):
            p=tuple(toks[i:i+L])
            if p in PHR: out.append(PHR[p]); i+=L; break
        else:
            out.append(toks[i]); i+=1
    return out
def content(toks): return [t for t in toks if t not in STOP]
# IDF over bank answers+keypoints (documents = questions)
DF={}
for q in BANK:
    ts=set(content(canon(tokens(q['prompt']+' '+q['answer']+' '+' '.join(q['keyPoints'])))))
    for t in ts: DF[t]=DF.get(t,0)+1
N=len(BANK)
def idf(t): return math.log((N+1)/(DF.get(t,0)+1))+0.5
def sentences(text):
    parts=re.split(r'(?<=[.!?;:])\s+|\n+', text)
    return [p for p in parts if p.strip()]

def bigrams(seq): return set(zip(seq,seq[1:]))
def prep2(qid,kps):
    q=BYID[qid]
    sents=[content(canon(tokens(s))) for s in sentences(q['answer'])]
    out=[]
    for kp in kps:
        kt=content(canon(tokens(kp))); K=set(kt)
        scored=sorted(((sum(idf(t) for t in K & set(s)), i) for i,s in enumerate(sents)), reverse=True)
        S={}
        for rank,(sc,i) in enumerate(scored[:4]):
            if sc<=0: continue
            for t in sents[i]:
                if t not in K: S[t]=max(S.get(t,0), idf(t)*(1.0 if rank<2 else 0.5))
        out.append((kt,K,S,bigrams(kt)))
    return out
def feats2(prep,text):
    ss=[content(canon(tokens(s))) for s in sentences(text)]
    allw=set(t for s in ss for t in s); allb=set(b for s in ss for b in bigrams(s))
    F=[]
    for kt,K,S,B in prep:
        wk=sum(idf(t) for t in K) or 1
        hit=[t for t in K if t in allw]
        kp=sum(idf(t) for t in hit)/wk
        maxrare=max([idf(t) for t in K],default=1)
        rare=max([idf(t) for t in hit],default=0)/maxrare
        bg=len(B & allb)/max(1,len(B))
        ws=sum(S.values()) or 1
        sup=sum(v for t,v in S.items() if t in allw)/ws
        # window
        best=(0,0)
        for i in range(len(ss)):
            w=set(ss[i])|set(ss[i+1] if i+1<len(ss) else [])
            k=sum(idf(t) for t in K & w)/wk; s=sum(v for t,v in S.items() if t in w)/ws
            if k+s>sum(best): best=(k,s)
        F.append([kp,sup,best[0],best[1],rare,bg,kp*sup,best[0]*best[1], math.log(1+len(allw))/6])
    return F
def load2():
    data=[]
    for f in ['set-a','set-b']:
        d=json.load(open(f'{ROOT}/Tests/PrepdeckCoreTests/Fixtures/grading/{f}.json'))
        for it in d['items']:
            prep=prep2(it['question'], it['keyPoints'])
            for a in it['answers']:
                for x,y in zip(feats2(prep,a['text']), a['covered']):
                    data.append((f,a['style'],x,y,it['question']))
    return data
def train(rows, l2=0.01, epochs=3000, lr=0.5):
    n=len(rows[0][2]); w=[0.0]*(n+1)
    for ep in range(epochs):
        g=[0.0]*(n+1)
        for r in rows:
            x=r[2]+[1.0]; z=sum(a*b for a,b in zip(w,x)); p=1/(1+math.exp(-max(-30,min(30,z))))
            e=p-(1 if r[3] else 0)
            for j in range(n+1): g[j]+=e*x[j]
        for j in range(n+1): w[j]-=lr*(g[j]/len(rows)+ (l2*w[j] if j<n else 0))
    return w
def predict(w,x,th=0.5):
    z=sum(a*b for a,b in zip(w,x+[1.0])); return 1/(1+math.exp(-z))>=th
def pr(pred,ys):
    tp=sum(p and y for p,y in zip(pred,ys)); fp=sum(p and not y for p,y in zip(pred,ys)); fn=sum((not p) and y for p,y in zip(pred,ys))
    return round(tp/max(1,tp+fp),3), round(tp/max(1,tp+fn),3)

if __name__ == "__main__":
    data=load2()
    A=[r for r in data if r[0]=='set-a']; B=[r for r in data if r[0]=='set-b']
    wa=train(A,epochs=800); wb=train(B,epochs=800); w=train(data,epochs=800)
    for th in [0.36,0.38,0.4,0.42,0.44]:
        cv_pred=[predict(wb,r[2],th) for r in A]+[predict(wa,r[2],th) for r in B]
        print(th,'cv',pr(cv_pred,[r[3] for r in A+B]),'all-fit',pr([predict(w,r[2],th) for r in data],[r[3] for r in data]))
    print('weights (features…, bias):', [round(v, 3) for v in w])

#!/usr/bin/env python3
"""scikit-learn peers of `stance train --bodies` on FNC-1, for bench/fnc1.py.

Trains on FNC-1 train, predicts competition_test and writes the predictions
(`gold,predicted` per pair, in file order) to OUT.csv and the seconds spent
on features and fitting to OUT.csv.json, so that bench/fnc1.py scores every system with one
scorer.

  ucl-lr     UCL Machine Reading's features (term frequencies of headline
             and body over the 5,000 most frequent terms each, plus the
             TF-IDF cosine of the two) -> LogisticRegression
  tfidf-svc  TF-IDF of headline and body (1-2 grams) plus their cosine
             -> LinearSVC

Usage: fnc1_peer.py {ucl-lr|tfidf-svc} FNC1_DIR OUT.csv
"""
import csv
import json
import sys
import time

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


def read(fnc1_dir, split):
    with open(f"{fnc1_dir}/{split}_bodies.csv", newline="", encoding="utf-8") as f:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}
    with open(f"{fnc1_dir}/{split}_stances.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["Headline"] for r in rows], [bodies[r["Body ID"]] for r in rows], [r["Stance"] for r in rows]


def cosine(a, b):
    """Row-wise cosine of two L2-normalised sparse matrices."""
    return np.asarray(a.multiply(b).sum(axis=1))


class UclLr:
    def fit_transform(self, heads, bodies):
        self.tf_head = CountVectorizer(max_features=5000, stop_words="english")
        self.tf_body = CountVectorizer(max_features=5000, stop_words="english")
        self.tfidf = TfidfVectorizer(max_features=5000, stop_words="english")
        self.tf_head.fit(heads)
        self.tf_body.fit(bodies)
        self.tfidf.fit(list(heads) + list(bodies))
        return self.transform(heads, bodies)

    def transform(self, heads, bodies):
        cos = cosine(self.tfidf.transform(heads), self.tfidf.transform(bodies))
        return hstack([self.tf_head.transform(heads), self.tf_body.transform(bodies),
                       csr_matrix(cos)]).tocsr()

    def model(self):
        return LogisticRegression(max_iter=1000)


class TfidfSvc:
    def fit_transform(self, heads, bodies):
        self.tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, stop_words="english",
                                     sublinear_tf=True)
        self.tfidf.fit(list(heads) + list(bodies))
        return self.transform(heads, bodies)

    def transform(self, heads, bodies):
        h = self.tfidf.transform(heads)
        b = self.tfidf.transform(bodies)
        return hstack([h, b, csr_matrix(cosine(h, b))]).tocsr()

    def model(self):
        return LinearSVC()


def main():
    name, fnc1_dir, out = sys.argv[1:4]
    system = {"ucl-lr": UclLr, "tfidf-svc": TfidfSvc}[name]()
    heads, bodies, labels = read(fnc1_dir, "train")
    started = time.perf_counter()
    x = system.fit_transform(heads, bodies)
    model = system.model().fit(x, labels)
    train_seconds = time.perf_counter() - started
    test_heads, test_bodies, test_labels = read(fnc1_dir, "competition_test")
    predicted = model.predict(system.transform(test_heads, test_bodies))
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["gold", "predicted"])
        writer.writerows(zip(test_labels, predicted))
    with open(out + ".json", "w") as f:
        json.dump({"train_seconds": train_seconds}, f)


if __name__ == "__main__":
    main()

"""kubectl's building blocks: durations, tabwriter, JSON/YAML encoding, JSONPath, flags."""

import pytest

from k8slab.kubectl import KubectlError
from k8slab.kubectl.duration import human_duration, short_human_duration
from k8slab.kubectl.encoding import compact_json, sorted_yaml_keys, to_json, to_yaml
from k8slab.kubectl.flags import Flag, parse
from k8slab.kubectl.jsonpath import execute, find_results
from k8slab.kubectl.tabwriter import format_describe, format_table


# upstream: staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go (+ the edges of each rule)
@pytest.mark.parametrize("seconds,text", [
    (1, "1s"), (70, "70s"), (190, "3m10s"), (70 * 60, "70m"), (47 * 3600, "47h"), (49 * 3600, "2d1h"),
    ((8 * 24 + 2) * 3600, "8d"), (367 * 24 * 3600, "367d"), ((365 * 2 * 24 + 25) * 3600, "2y1d"),
    ((365 * 8 * 24 + 2) * 3600, "8y"),
    (0, "0s"), (0.9, "0s"), (-1, "0s"), (-2, "<invalid>"), (45, "45s"), (119, "119s"), (120, "2m"), (150, "2m30s"),
    (310, "5m10s"), (599, "9m59s"), (600, "10m"), (179 * 60 + 59, "179m"), (180 * 60, "3h"), (3 * 3600 + 1800, "3h30m"),
    (7 * 3600 + 59 * 60, "7h59m"), (8 * 3600, "8h"), (48 * 3600, "2d"), (51 * 3600, "2d3h"), (7 * 24 * 3600 + 3600, "7d1h"),
    (8 * 24 * 3600, "8d"), (730 * 24 * 3600, "2y"),
])
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


@pytest.mark.parametrize("seconds,text", [
    (-2, "<invalid>"), (-1, "0s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (86400, "1d"),
    (365 * 86400, "1y"),
])
def test_short_human_duration(seconds, text):
    assert short_human_duration(seconds) == text


def test_tabwriter_aligns_column_blocks_like_go():
    text = "NAME\tREADY\tSTATUS\nweb-1\t1/1\tRunning\nx\t0/1\tPending\n"
    assert format_table(text) == ("NAME    READY   STATUS\n"
                                  "web-1   1/1     Running\n"
                                  "x       0/1     Pending\n")
    # a line without a tab ends the column block; the text after the last tab is not a cell
    text = "Name:\tweb\nNamespace:\tdefault\nContainers:\n  nginx:\n    Image:\tnginx\nEvents:\t<none>\n"
    assert format_describe(text) == ("Name:       web\n"
                                     "Namespace:  default\n"
                                     "Containers:\n"
                                     "  nginx:\n"
                                     "    Image:  nginx\n"
                                     "Events:     <none>\n")


def test_tabwriter_minimum_width_and_empty_cells():
    assert format_table("A\tB\n\tx\n") == "A     B\n      x\n"


# two outputs of kubectl v1.32: `kubectl create configmap x --from-literal=... --dry-run=client -o yaml`
KUBECTL_YAML = ['''apiVersion: v1
data:
  a: 'word word word word word word word word word word word word word word word word
    word word word word word word word word word word word word word word word word
    word word word word word word word word '
  b: "true"
  c: "123"
  d: |-
    multi
    line
  e: ""
  f: 'a: b'
  g: "null"
  h: "1.5"
  i: "~"
  j: -x
  k: "0x10"
  l: "yes"
  m: "1e3"
  "n": x'y
  o: x"y
  p: '#a'
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: x
''', '''apiVersion: v1
data:
  -a: v
  .a: v
  _x: v
  "0": v
  "9": v
  "10": v
  A: v
  X: v
  a: v
  a_b: v
  a00b: v
  a01: v
  a0b: v
  a9: v
  a10: v
  aB: v
  ab: v
  q: "2025-01-01T00:00:05Z"
  r: |
    ends
  s: ' lead'
  u: 2025-13-01
  v: "1:20"
  w: "0b101"
  w2: ".5"
  w3: "+1"
  w4: "1_000"
  w5: "018"
  w6: '-'
  w7: '@x'
  w8: 'x: '
  w9: ünï
  w10: '*a'
  w11: a  b
  w12: "tab\\tx"
  x-y: v
  x.y: v
  x1: v
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: x
''']


@pytest.mark.parametrize("golden", KUBECTL_YAML)
def test_yaml_matches_kubectl_styles_and_key_order(golden):
    import yaml

    obj = yaml.load(golden, Loader=yaml.BaseLoader)
    obj["metadata"]["creationTimestamp"] = None
    assert to_yaml(obj) == golden


def test_yaml_numbers_lists_and_empty_values():
    # floats go through Go JSON first, as in kubectl: 1e6 prints as 1000000, 1e-7 as 1e-07
    obj = {"spec": {"replicas": 3, "ratio": 0.5, "big": 1e6, "whole": 2.0, "on": True, "off": None,
                    "ports": [{"containerPort": 80}], "empty": {}, "none": []}}
    assert to_yaml(obj) == ("spec:\n  big: 1000000\n  empty: {}\n  none: []\n  \"off\": null\n  \"on\": true\n"
                            "  ports:\n  - containerPort: 80\n  ratio: 0.5\n  replicas: 3\n  whole: 2\n")


def test_yaml_key_order_is_go_yamls_natural_order():
    assert sorted_yaml_keys(["b", "a10", "a9", "A", "_x", "0", "10", "9", "x-y", "x.y", "x1"]) == \
        ["_x", "0", "9", "10", "A", "a9", "a10", "b", "x-y", "x.y", "x1"]


def test_json_like_go_marshal_indent():
    assert to_json({"b": [], "a": {"x": "<y>&", "n": 1.5, "i": 3, "u": "ü"}, "c": {}}) == (
        '{\n    "a": {\n        "i": 3,\n        "n": 1.5,\n        "u": "ü",\n        "x": "\\u003cy\\u003e\\u0026"\n'
        '    },\n    "b": [],\n    "c": {}\n}\n')
    assert compact_json({"b": 1, "a": [True, None, 1e-7, 1e21, 2.0]}) == '{"a":[true,null,1e-7,1e+21,2],"b":1}'


DOC = {"kind": "List", "items": [
    {"metadata": {"name": "a", "labels": {"app": "web"}}, "status": {"phase": "Running", "n": 2}},
    {"metadata": {"name": "b", "labels": {"app": "db"}}, "status": {"phase": "Pending", "n": 1}},
]}


@pytest.mark.parametrize("template,text", [
    ("{.items[*].metadata.name}", "a b"),
    ("{.items[0].metadata.labels}", '{"app":"web"}'),
    ("{.items[-1].metadata.name}", "b"),
    ("{.items[0:1].metadata.name}", "a"),
    ('{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', "a\tRunning\nb\tPending\n"),
    ('{.items[?(@.status.phase=="Pending")].metadata.name}', "b"),
    ("{.items[?(@.status.n>1)].metadata.name}", "a"),
    ("{.items[*].metadata.missing}", ""),
    ("{..phase}", "Running Pending"),
    ("{.kind} has {.items[1].status.n}", "List has 1"),
    ("{.items[*]['metadata']['name']}", "a b"),
    ("{$.kind}", "List"),
])
def test_jsonpath(template, text):
    assert execute(template, DOC) == text


def test_jsonpath_field_with_escaped_dots():
    obj = {"metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "x"}}}
    assert find_results(r"{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}", obj) == ["x"]


FLAGS = [Flag("output", "o"), Flag("all-namespaces", "A", "bool", False), Flag("replicas", "", "int", None),
         Flag("filename", "f", "array")]


@pytest.mark.parametrize("args,positional,values", [
    (["pods", "-o", "wide"], ["pods"], {"output": "wide"}),
    (["pods", "-owide"], ["pods"], {"output": "wide"}),
    (["pods", "-o=yaml"], ["pods"], {"output": "yaml"}),
    (["--output=json", "pods"], ["pods"], {"output": "json"}),
    (["-A", "pods"], ["pods"], {"all-namespaces": True}),
    (["pods", "--all-namespaces=false"], ["pods"], {"all-namespaces": False}),
    (["-n", "kube-system", "pods"], ["pods"], {"namespace": "kube-system"}),
    (["--replicas", "3"], [], {"replicas": 3}),
    (["-f", "a.yaml", "-f", "b.yaml"], [], {"filename": ["a.yaml", "b.yaml"]}),
    (["--", "-x"], ["-x"], {}),
])
def test_flags(args, positional, values):
    pos, opts = parse("get", args, FLAGS)
    assert pos == positional
    for k, v in values.items():
        assert opts[k] == v


@pytest.mark.parametrize("args,message", [
    (["--foo"], "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage."),
    (["-x"], "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."),
    (["--output"], "Error: flag needs an argument: --output\nSee 'kubectl get --help' for usage."),
    (["-o"], "Error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage."),
    (["--replicas=x"], 'Error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": '
                       "invalid syntax\nSee 'kubectl get --help' for usage."),
])
def test_flag_errors(args, message):
    with pytest.raises(KubectlError) as e:
        parse("get", args, FLAGS)
    assert str(e.value) == message
